-- Verify supervisor_event_store:functions/_check_instance_id on pg

BEGIN;

SELECT 'event_store._check_instance_id(text)'::regprocedure;

ROLLBACK;
