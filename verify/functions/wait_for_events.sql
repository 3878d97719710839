-- Verify supervisor_event_store:functions/wait_for_events on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.wait_for_events(text, double precision, int, text[], text[], text)', 'execute')::int;

ROLLBACK;
