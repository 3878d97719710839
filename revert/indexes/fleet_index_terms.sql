-- Revert supervisor_event_store:indexes/fleet_index_terms from pg

BEGIN;

DROP INDEX event_store.fleet_index_terms_idx;

COMMIT;
