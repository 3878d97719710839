-- Verify supervisor_event_store_proxy:functions/aggregate_events_by_type on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.aggregate_events_by_type(text, timestamp with time zone, timestamp with time zone)', 'execute')::int;

ROLLBACK;
