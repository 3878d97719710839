-- Verify supervisor_event_store:functions/create_snapshot on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.create_snapshot(text)', 'execute')::int;

ROLLBACK;
