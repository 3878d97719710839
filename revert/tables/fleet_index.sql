-- Revert supervisor_event_store:tables/fleet_index from pg

BEGIN;

DROP TABLE event_store.fleet_index;

COMMIT;
