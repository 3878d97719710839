-- Verify supervisor_event_store_proxy:functions/poll_subscription on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.poll_subscription(text, integer, integer)', 'execute')::int;

ROLLBACK;
