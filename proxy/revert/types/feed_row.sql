-- Revert supervisor_event_store_proxy:types/feed_row from pg

BEGIN;

DROP TYPE IF EXISTS event_store_remote.feed_row;

COMMIT;
