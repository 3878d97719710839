-- Verify supervisor_event_store:functions/query_events on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)', 'execute')::int;

-- This version: fleet-wide filters read the fleet projection.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store.fleet_index') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)'::regprocedure;

-- This version: a fleet-wide keyword in two bounded passes.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'v_bound') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)'::regprocedure;

ROLLBACK;
