-- Verify supervisor_event_store:functions/_schema_predicate on pg

BEGIN;

SELECT 'event_store._schema_predicate(jsonb)'::regprocedure;

ROLLBACK;
