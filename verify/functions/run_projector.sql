-- Verify supervisor_event_store:functions/run_projector on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_admin', 'event_store.run_projector(int, int)', 'execute')::int;

ROLLBACK;
