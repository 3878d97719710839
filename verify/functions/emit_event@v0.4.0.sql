-- Verify supervisor_event_store:functions/emit_event on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint)', 'execute')::int;


-- This version takes the stream lock (_lock_stream).
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store._lock_stream(') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint)'::regprocedure;

-- This version refuses lifecycle types and JSON over the limits, and stores the feed key.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store._check_lifecycle_emit(') > 0
            AND pg_catalog.strpos(p.prosrc, 'event_store._json_within_limits(') > 0
            AND pg_catalog.strpos(p.prosrc, 'last_feed_key') > 0)::int
  FROM pg_catalog.pg_proc p
 WHERE p.oid = 'event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint)'::regprocedure;

ROLLBACK;
