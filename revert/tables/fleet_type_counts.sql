-- Revert supervisor_event_store:tables/fleet_type_counts from pg

BEGIN;

DROP TABLE event_store.fleet_type_counts;

COMMIT;
