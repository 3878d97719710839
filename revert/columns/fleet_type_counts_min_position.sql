-- Revert supervisor_event_store:columns/fleet_type_counts_min_position from pg

BEGIN;

ALTER TABLE event_store.fleet_type_counts DROP COLUMN min_global_position;

COMMIT;
