-- Verify supervisor_event_store:functions/query_events on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader',
    'event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint)', 'execute')::int;

-- This version: all instances without filters are counted from the stream heads.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'sum(i.last_sequence_num)') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint)'::regprocedure;

ROLLBACK;
