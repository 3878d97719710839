-- Verify supervisor_event_store_proxy:functions/list_subscriptions on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.list_subscriptions()', 'execute')::int;

ROLLBACK;
