-- Verify supervisor_event_store:indexes/events_instance_type_timestamp on pg

BEGIN;

SELECT 'event_store.events_instance_type_timestamp_idx'::regclass;

ROLLBACK;
