-- Verify supervisor_event_store:functions/_lock_stream on pg

BEGIN;

SELECT 'event_store._lock_stream(text)'::regprocedure, 'event_store._try_lock_stream(text)'::regprocedure;

-- This version locks a stream_locks row, not an advisory key.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store.stream_locks') > 0
            AND pg_catalog.strpos(p.prosrc, 'advisory') = 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid IN ('event_store._lock_stream(text)'::regprocedure, 'event_store._try_lock_stream(text)'::regprocedure);

ROLLBACK;
