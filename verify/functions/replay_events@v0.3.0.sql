-- Verify supervisor_event_store:functions/replay_events on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.replay_events(text, bigint)', 'execute')::int;

ROLLBACK;
