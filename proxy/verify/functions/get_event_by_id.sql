-- Verify supervisor_event_store_proxy:functions/get_event_by_id on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.get_event_by_id(uuid)', 'execute')::int;

ROLLBACK;
