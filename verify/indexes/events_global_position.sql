-- Verify supervisor_event_store:indexes/events_global_position on pg

BEGIN;

-- Exists and is valid (a failed CREATE INDEX CONCURRENTLY leaves an invalid one behind).
SELECT 1 / count(*)::int
  FROM pg_catalog.pg_index
 WHERE indexrelid = 'event_store.events_global_position_idx'::regclass AND indisvalid;

ROLLBACK;
