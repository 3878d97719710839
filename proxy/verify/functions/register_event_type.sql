-- Verify supervisor_event_store_proxy:functions/register_event_type on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_admin', 'event_store.register_event_type(text, text, text, jsonb)', 'execute')::int;

ROLLBACK;
