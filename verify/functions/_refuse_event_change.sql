-- Verify supervisor_event_store:functions/_refuse_event_change on pg

BEGIN;

SELECT 'event_store._refuse_event_change()'::regprocedure;

-- This version checks the call stack and the head.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'PG_CONTEXT') > 0)::int
  FROM pg_catalog.pg_proc p WHERE p.oid = 'event_store._refuse_event_change()'::regprocedure;

ROLLBACK;
