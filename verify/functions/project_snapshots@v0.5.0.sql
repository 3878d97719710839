-- Verify supervisor_event_store:functions/project_snapshots on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_admin', 'event_store.project_snapshots(int, int)', 'execute')::int;

ROLLBACK;
