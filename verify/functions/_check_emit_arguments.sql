-- Verify supervisor_event_store:functions/_check_emit_arguments on pg

BEGIN;

SELECT 'event_store._check_emit_arguments(text, jsonb, bigint)'::regprocedure;

ROLLBACK;
