-- Verify supervisor_event_store:functions/read_all on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.read_all(text, int, text[], text[], text)', 'execute')::int;

ROLLBACK;
