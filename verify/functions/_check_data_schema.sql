-- Verify supervisor_event_store:functions/_check_data_schema on pg

BEGIN;

SELECT 'event_store._check_data_schema(jsonb)'::regprocedure;

ROLLBACK;
