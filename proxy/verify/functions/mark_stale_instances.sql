-- Verify supervisor_event_store_proxy:functions/mark_stale_instances on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_writer', 'event_store.mark_stale_instances(interval)', 'execute')::int;

ROLLBACK;
