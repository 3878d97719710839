-- Verify supervisor_event_store_proxy:remote/query_events on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.query_events(text, text[], timestamp with time zone, timestamp with time zone, text, integer, integer, bigint, boolean)', 'execute');

ROLLBACK;
