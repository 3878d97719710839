-- Verify supervisor_event_store:columns/fleet_type_counts_min_position on pg

BEGIN;

SELECT 1 / count(*)::int
  FROM pg_catalog.pg_attribute a
 WHERE a.attrelid = 'event_store.fleet_type_counts'::regclass AND a.attname = 'min_global_position'
   AND a.atttypid = 'bigint'::regtype AND NOT a.attnotnull AND NOT a.attisdropped;

ROLLBACK;
