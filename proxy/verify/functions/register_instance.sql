-- Verify supervisor_event_store_proxy:functions/register_instance on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_writer', 'event_store.register_instance(text, text, text, jsonb)', 'execute')::int;

ROLLBACK;
