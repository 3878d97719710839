-- Revert supervisor_event_store:columns/instances_last_feed_key from pg

BEGIN;

ALTER TABLE event_store.instances DROP COLUMN last_feed_key;

COMMIT;
