-- Verify supervisor_event_store:functions/_instance_head on pg

BEGIN;

SELECT 'event_store._instance_head(text)'::regprocedure;

ROLLBACK;
