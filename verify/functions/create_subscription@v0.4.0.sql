-- Verify supervisor_event_store:functions/create_subscription on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.create_subscription(text, text, text[], text[], text, int, interval)', 'execute')::int;

ROLLBACK;
