-- Verify supervisor_event_store:aggregates/fold_state on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.fold_state(event_store.events)', 'execute')::int;

ROLLBACK;
