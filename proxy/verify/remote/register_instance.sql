-- Verify supervisor_event_store_proxy:remote/register_instance on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.register_instance(text, text, text, jsonb)', 'execute');

ROLLBACK;
