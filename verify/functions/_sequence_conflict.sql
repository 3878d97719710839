-- Verify supervisor_event_store:functions/_sequence_conflict on pg

BEGIN;

SELECT 'event_store._sequence_conflict(text, bigint, bigint)'::regprocedure;

ROLLBACK;
