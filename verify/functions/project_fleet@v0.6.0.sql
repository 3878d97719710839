-- Verify supervisor_event_store:functions/project_fleet on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_admin', 'event_store.project_fleet(int)', 'execute')::int;

ROLLBACK;
