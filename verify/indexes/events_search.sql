-- Verify supervisor_event_store:indexes/events_search on pg

BEGIN;

SELECT 'event_store.events_search_trgm_idx'::regclass;

ROLLBACK;
