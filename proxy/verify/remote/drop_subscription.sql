-- Verify supervisor_event_store_proxy:remote/drop_subscription on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.drop_subscription(integer, text)', 'execute');

ROLLBACK;
