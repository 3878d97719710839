-- Verify supervisor_event_store_proxy:remote/heartbeat on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.heartbeat(text, numeric)', 'execute');

ROLLBACK;
