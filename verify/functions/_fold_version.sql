-- Verify supervisor_event_store:functions/_fold_version on pg

BEGIN;

SELECT 'event_store._fold_version()'::regprocedure;

ROLLBACK;
