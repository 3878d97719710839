-- Verify supervisor_event_store_proxy:functions/count_events on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.count_events(text, text[], timestamp with time zone, timestamp with time zone, text, bigint)', 'execute')::int;

ROLLBACK;
