-- Verify supervisor_event_store_proxy:functions/heartbeat on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_writer', 'event_store.heartbeat(text, numeric)', 'execute')::int;

ROLLBACK;
