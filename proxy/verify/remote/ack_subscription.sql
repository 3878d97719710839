-- Verify supervisor_event_store_proxy:remote/ack_subscription on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.ack_subscription(integer, text, text, integer)', 'execute');

ROLLBACK;
