-- Verify supervisor_event_store_proxy:remote/list_event_types on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.list_event_types(text)', 'execute');

ROLLBACK;
