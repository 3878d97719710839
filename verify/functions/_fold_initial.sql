-- Verify supervisor_event_store:functions/_fold_initial on pg

BEGIN;

SELECT 'event_store._fold_initial()'::regprocedure;

ROLLBACK;
