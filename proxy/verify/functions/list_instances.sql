-- Verify supervisor_event_store_proxy:functions/list_instances on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.list_instances(text)', 'execute')::int;

ROLLBACK;
