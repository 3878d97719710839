-- Verify supervisor_event_store_proxy:remote/delete_events_for_instance on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.delete_events_for_instance(text)', 'execute');

ROLLBACK;
