-- Verify supervisor_event_store:columns/events_feed_key on pg

BEGIN;

SELECT 1 / count(*)::int
  FROM pg_catalog.pg_attribute a
 WHERE a.attrelid = 'event_store.events'::regclass AND a.attname = 'feed_key'
   AND a.atttypid = 'xid8'::regtype AND a.attnotnull AND NOT a.attisdropped;

-- The immutability triggers are on again.
SELECT 1 / count(*)::int
  FROM pg_catalog.pg_trigger t
 WHERE t.tgrelid = 'event_store.events'::regclass AND t.tgname = 'events_immutable_row'
   AND t.tgenabled = 'O';

ROLLBACK;
