-- Verify supervisor_event_store:functions/query_events on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint)', 'execute')::int;

ROLLBACK;
