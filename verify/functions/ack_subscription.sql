-- Verify supervisor_event_store:functions/ack_subscription on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.ack_subscription(text, text, int)', 'execute')::int;

ROLLBACK;
