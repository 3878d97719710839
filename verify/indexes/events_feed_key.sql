-- Verify supervisor_event_store:indexes/events_feed_key on pg

BEGIN;

-- A valid, plain btree on events (feed_key, global_position).
SELECT 1 / count(*)::int
  FROM pg_catalog.pg_index i
 WHERE i.indexrelid = 'event_store.events_feed_key_idx'::regclass
   AND i.indrelid = 'event_store.events'::regclass
   AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
   AND i.indnatts = 2
   AND i.indkey[0] = (SELECT a.attnum FROM pg_catalog.pg_attribute a
                       WHERE a.attrelid = 'event_store.events'::regclass AND a.attname = 'feed_key')
   AND i.indkey[1] = (SELECT a.attnum FROM pg_catalog.pg_attribute a
                       WHERE a.attrelid = 'event_store.events'::regclass AND a.attname = 'global_position');

ROLLBACK;
