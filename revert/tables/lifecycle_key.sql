-- Revert supervisor_event_store:tables/lifecycle_key from pg

BEGIN;

DROP TABLE event_store.lifecycle_key;

COMMIT;
