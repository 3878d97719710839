-- Verify supervisor_event_store:indexes/events_search on pg

BEGIN;

-- The keyword index is on fleet_index now, not on events.
SELECT 1 / (pg_catalog.to_regclass('event_store.events_search_trgm_idx') IS NULL)::int;
SELECT 'event_store.fleet_index_search_idx'::regclass;

ROLLBACK;
