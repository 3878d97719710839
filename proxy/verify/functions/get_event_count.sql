-- Verify supervisor_event_store_proxy:functions/get_event_count on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.get_event_count(text)', 'execute')::int;

ROLLBACK;
