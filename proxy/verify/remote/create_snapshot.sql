-- Verify supervisor_event_store_proxy:remote/create_snapshot on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.create_snapshot(text)', 'execute');

ROLLBACK;
