-- Verify supervisor_event_store_proxy:functions/list_event_types on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.list_event_types(text)', 'execute')::int;

ROLLBACK;
