-- Verify supervisor_event_store:aggregates/fold_state on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader', 'event_store.fold_state(event_store.events)', 'execute')::int;
SELECT 1 / p.prosecdef::int FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store._fold_state_final(event_store.events[])'::regprocedure;

ROLLBACK;
