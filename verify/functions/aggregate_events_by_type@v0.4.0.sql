-- Verify supervisor_event_store:functions/aggregate_events_by_type on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.aggregate_events_by_type(text, timestamptz, timestamptz)', 'execute')::int;

ROLLBACK;
