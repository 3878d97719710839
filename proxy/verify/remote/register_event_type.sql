-- Verify supervisor_event_store_proxy:remote/register_event_type on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.register_event_type(text, text, text, jsonb)', 'execute');

ROLLBACK;
