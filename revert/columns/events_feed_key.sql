-- Revert supervisor_event_store:columns/events_feed_key from pg

BEGIN;

ALTER TABLE event_store.events DROP COLUMN feed_key;

COMMIT;
