-- Verify supervisor_event_store:functions/_fold_final on pg

BEGIN;

SELECT 'event_store._fold_final(event_store._fold_acc)'::regprocedure;

ROLLBACK;
