-- Verify supervisor_event_store_proxy:functions/create_subscription on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_writer', 'event_store.create_subscription(text, text, text[], text[], text, integer, interval)', 'execute')::int;

ROLLBACK;
