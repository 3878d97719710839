-- Verify supervisor_event_store:functions/_bump_head on pg

BEGIN;

SELECT 'event_store._bump_head(text, integer, bigint)'::regprocedure;

ROLLBACK;
