-- Revert supervisor_event_store:indexes/events_search from pg

BEGIN;

DROP INDEX event_store.events_search_trgm_idx;

COMMIT;
