-- Verify supervisor_event_store_proxy:remote/create_subscription on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.create_subscription(integer[], integer[], text[], text, text[], text[], integer[], text, integer, interval)', 'execute');

ROLLBACK;
