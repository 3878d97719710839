-- Verify supervisor_event_store:functions/aggregate_events_by_type on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.aggregate_events_by_type(text, timestamptz, timestamptz)', 'execute')::int;

-- This version counts the fleet from the rollup.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store.fleet_type_counts') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.aggregate_events_by_type(text, timestamptz, timestamptz)'::regprocedure;

ROLLBACK;
