-- Revert supervisor_event_store:indexes/events_feed_key from pg

BEGIN;

DROP INDEX event_store.events_feed_key_idx;

COMMIT;
