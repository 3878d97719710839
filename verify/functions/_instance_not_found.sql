-- Verify supervisor_event_store:functions/_instance_not_found on pg

BEGIN;

SELECT 'event_store._instance_not_found(text)'::regprocedure;

ROLLBACK;
