-- Verify supervisor_event_store_proxy:remote/mark_stale_instances on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.mark_stale_instances(interval)', 'execute');

ROLLBACK;
