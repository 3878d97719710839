-- Verify supervisor_event_store:functions/drop_subscription on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_admin',
    'event_store.drop_subscription(text)', 'execute')::int;

ROLLBACK;
