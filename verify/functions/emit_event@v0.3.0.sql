-- Verify supervisor_event_store:functions/emit_event on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint)', 'execute')::int;


-- This version takes the stream lock (_lock_stream).
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store._lock_stream(') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint)'::regprocedure;

ROLLBACK;
