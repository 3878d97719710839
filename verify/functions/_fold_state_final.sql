-- Verify supervisor_event_store:functions/_fold_state_final on pg

BEGIN;

SELECT 'event_store._fold_state_final(event_store.events[])'::regprocedure;

-- This version runs with its owner's rights, so readers can fold.
SELECT 1 / p.prosecdef::int FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store._fold_state_final(event_store.events[])'::regprocedure;

ROLLBACK;
