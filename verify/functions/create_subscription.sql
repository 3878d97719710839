-- Verify supervisor_event_store:functions/create_subscription on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.create_subscription(text, text, text[], text[], text, int, interval)', 'execute')::int;

-- This version starts from a time through _feed_key_since.
SELECT 1 / (pg_catalog.strpos(p.prosrc, 'event_store._feed_key_since(') > 0)::int
  FROM pg_catalog.pg_proc p WHERE p.oid = 'event_store.create_subscription(text, text, text[], text[], text, int, interval)'::regprocedure;

ROLLBACK;
