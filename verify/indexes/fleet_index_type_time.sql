-- Verify supervisor_event_store:indexes/fleet_index_type_time on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_indexes
 WHERE schemaname = 'event_store' AND indexname = 'fleet_index_type_time_idx'
   AND indexdef LIKE '%(event_type, "timestamp") INCLUDE (global_position)';

SELECT 1 / count(*) FROM pg_catalog.pg_class c
 WHERE c.oid = 'event_store.fleet_index'::regclass
   AND 'autovacuum_vacuum_insert_scale_factor=0.01' = ANY (c.reloptions);

ROLLBACK;
