-- Verify supervisor_event_store_proxy:remote/get_latest_events on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.get_latest_events(text, integer)', 'execute');

ROLLBACK;
