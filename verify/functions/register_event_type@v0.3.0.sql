-- Verify supervisor_event_store:functions/register_event_type on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_admin',
    'event_store.register_event_type(text, text, text, jsonb)', 'execute')::int;
SELECT 1 / (NOT pg_catalog.has_function_privilege('event_store_writer',
    'event_store.register_event_type(text, text, text, jsonb)', 'execute'))::int;

ROLLBACK;
