-- Verify supervisor_event_store_proxy:functions/ack_subscription on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_writer', 'event_store.ack_subscription(text, text, integer)', 'execute')::int;

ROLLBACK;
