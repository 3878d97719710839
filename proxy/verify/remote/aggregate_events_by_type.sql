-- Verify supervisor_event_store_proxy:remote/aggregate_events_by_type on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.aggregate_events_by_type(text, timestamp with time zone, timestamp with time zone)', 'execute');

ROLLBACK;
