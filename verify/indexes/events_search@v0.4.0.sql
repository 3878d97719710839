-- Verify supervisor_event_store:indexes/events_search on pg

BEGIN;

SELECT 'event_store.events_search_trgm_idx'::regclass;
SELECT 1 / count(*) FROM pg_catalog.pg_index i
 WHERE i.indexrelid = 'event_store.events_search_trgm_idx'::regclass AND i.indnatts = 2;

ROLLBACK;
