-- Verify supervisor_event_store_proxy:remote/get_event_count on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.get_event_count(text)', 'execute');

ROLLBACK;
