-- Verify supervisor_event_store:functions/count_events on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.count_events(text, text[], timestamptz, timestamptz, text, bigint)', 'execute')::int;

ROLLBACK;
