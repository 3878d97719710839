-- Verify supervisor_event_store:columns/instances_last_feed_key on pg

BEGIN;

SELECT 1 / count(*)::int
  FROM pg_catalog.pg_attribute a
 WHERE a.attrelid = 'event_store.instances'::regclass AND a.attname = 'last_feed_key'
   AND a.atttypid = 'xid8'::regtype AND a.attnotnull AND NOT a.attisdropped;

ROLLBACK;
