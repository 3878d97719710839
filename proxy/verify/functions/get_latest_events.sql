-- Verify supervisor_event_store_proxy:functions/get_latest_events on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.get_latest_events(text, integer)', 'execute')::int;

ROLLBACK;
