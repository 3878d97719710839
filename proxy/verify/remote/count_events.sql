-- Verify supervisor_event_store_proxy:remote/count_events on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.count_events(text, text[], timestamp with time zone, timestamp with time zone, text, bigint)', 'execute');

ROLLBACK;
