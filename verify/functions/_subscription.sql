-- Verify supervisor_event_store:functions/_subscription on pg

BEGIN;

SELECT 1 / count(*)::int FROM pg_catalog.pg_proc
 WHERE oid = 'event_store._subscription(text, boolean)'::regprocedure;

ROLLBACK;
