-- Verify supervisor_event_store:functions/get_latest_events on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.get_latest_events(text, int)', 'execute')::int;

ROLLBACK;
