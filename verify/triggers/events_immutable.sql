-- Verify supervisor_event_store:triggers/events_immutable on pg

BEGIN;

SELECT 1 / (COUNT(*) = 2)::int
  FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'event_store.events'::regclass
   AND tgname IN ('events_immutable_row', 'events_immutable_truncate');

-- This version checks the call stack and the head.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'PG_CONTEXT') > 0)::int
  FROM pg_catalog.pg_proc p WHERE p.oid = 'event_store._refuse_event_change()'::regprocedure;

ROLLBACK;
