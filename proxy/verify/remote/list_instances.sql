-- Verify supervisor_event_store_proxy:remote/list_instances on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.list_instances(text)', 'execute');

ROLLBACK;
