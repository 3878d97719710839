-- Verify supervisor_event_store:functions/mark_stale_instances on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.mark_stale_instances(interval)', 'execute')::int;


-- This version takes the stream lock (_try_lock_stream).
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store._try_lock_stream(') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.mark_stale_instances(interval)'::regprocedure;

-- This version writes its lifecycle event with the lifecycle key.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store.lifecycle_key') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.mark_stale_instances(interval)'::regprocedure;

ROLLBACK;
