-- Verify supervisor_event_store_proxy:functions/drop_subscription on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_admin', 'event_store.drop_subscription(text)', 'execute')::int;

ROLLBACK;
