-- Verify supervisor_event_store:functions/register_instance on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.register_instance(text, text, text, jsonb)', 'execute')::int;

ROLLBACK;
