-- Verify supervisor_event_store_proxy:remote/poll_subscription on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.poll_subscription(integer, integer, text, integer, integer)', 'execute');

ROLLBACK;
