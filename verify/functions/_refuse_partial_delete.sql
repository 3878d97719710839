-- Verify supervisor_event_store:functions/_refuse_partial_delete on pg

BEGIN;

SELECT 'event_store._refuse_partial_delete()'::regprocedure;

ROLLBACK;
