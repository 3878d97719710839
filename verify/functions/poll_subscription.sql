-- Verify supervisor_event_store:functions/poll_subscription on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.poll_subscription(text, int, int)', 'execute')::int;

ROLLBACK;
