-- Revert supervisor_event_store:indexes/fleet_index_type_time from pg

BEGIN;

DROP INDEX event_store.fleet_index_type_time_idx;
ALTER TABLE event_store.fleet_index RESET (autovacuum_vacuum_insert_scale_factor);

COMMIT;
