-- Verify supervisor_event_store_proxy:functions/query_events on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.query_events(text, text[], timestamp with time zone, timestamp with time zone, text, integer, integer, bigint, boolean)', 'execute')::int;

ROLLBACK;
