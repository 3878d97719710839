-- Verify supervisor_event_store:tables/fleet_type_counts on pg

BEGIN;

SELECT event_type, hour, event_count FROM event_store.fleet_type_counts WHERE false;

ROLLBACK;
