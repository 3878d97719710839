-- Verify supervisor_event_store:functions/_replay on pg

BEGIN;

SELECT 'event_store._replay(text, bigint)'::regprocedure;
SELECT 'event_store._store_snapshot(text, event_store._fold_acc)'::regprocedure;

ROLLBACK;
