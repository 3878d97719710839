-- Verify supervisor_event_store:indexes/events_global_position on pg

BEGIN;

-- A valid, plain btree on events (global_position): the deploy keeps an index of that name made
-- beforehand (CREATE INDEX CONCURRENTLY), so check it is that index, and that it finished.
SELECT 1 / count(*)::int
  FROM pg_catalog.pg_index i
 WHERE i.indexrelid = 'event_store.events_global_position_idx'::regclass
   AND i.indrelid = 'event_store.events'::regclass
   AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
   AND i.indnatts = 1
   AND i.indkey[0] = (SELECT a.attnum FROM pg_catalog.pg_attribute a
                       WHERE a.attrelid = 'event_store.events'::regclass AND a.attname = 'global_position')
   AND (SELECT c.relam FROM pg_catalog.pg_class c WHERE c.oid = i.indexrelid)
       = (SELECT am.oid FROM pg_catalog.pg_am am WHERE am.amname = 'btree');

ROLLBACK;
