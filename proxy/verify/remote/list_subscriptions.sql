-- Verify supervisor_event_store_proxy:remote/list_subscriptions on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.list_subscriptions(integer[], integer[])', 'execute');

ROLLBACK;
