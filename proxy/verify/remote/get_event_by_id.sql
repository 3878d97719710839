-- Verify supervisor_event_store_proxy:remote/get_event_by_id on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.get_event_by_id(uuid)', 'execute');

ROLLBACK;
