-- Verify supervisor_event_store:functions/delete_events_for_instance on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_admin',
    'event_store.delete_events_for_instance(text)', 'execute')::int;
SELECT 1 / (NOT pg_catalog.has_function_privilege('event_store_writer',
    'event_store.delete_events_for_instance(text)', 'execute'))::int;


-- This version clears the instance's rows of the fleet projection.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store.fleet_index') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.delete_events_for_instance(text)'::regprocedure;

ROLLBACK;
