-- Verify supervisor_event_store:functions/feed_cursor on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_reader', 'event_store.feed_cursor(text)', 'execute')::int;

-- This version starts from a time through _feed_key_since.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store._feed_key_since(') > 0)::int
  FROM pg_catalog.pg_proc p WHERE p.oid = 'event_store.feed_cursor(text)'::regprocedure;

ROLLBACK;
