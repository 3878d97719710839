-- Verify supervisor_event_store:functions/project_snapshots on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_admin', 'event_store.project_snapshots(int, int)', 'execute')::int;

-- This version: prunes (the newest and the first of each 10,000 stay).
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'DELETE FROM event_store.snapshots') > 0)::int
  FROM pg_catalog.pg_proc p WHERE p.oid = 'event_store.project_snapshots(int, int)'::regprocedure;

ROLLBACK;
