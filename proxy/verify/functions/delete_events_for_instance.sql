-- Verify supervisor_event_store_proxy:functions/delete_events_for_instance on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_admin', 'event_store.delete_events_for_instance(text)', 'execute')::int;

ROLLBACK;
