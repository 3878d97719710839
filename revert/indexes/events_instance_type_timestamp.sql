-- Revert supervisor_event_store:indexes/events_instance_type_timestamp from pg

BEGIN;

DROP INDEX event_store.events_instance_type_timestamp_idx;

COMMIT;
