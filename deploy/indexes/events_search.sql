-- Deploy supervisor_event_store:indexes/events_search to pg
-- requires: indexes/events_search@v0.4.0
-- requires: indexes/events_lean
-- requires: tables/fleet_index

BEGIN;

/*
 * The keyword index leaves the events table (issue 12): every emit paid for its ~100 trigram
 * entries. fleet_index_search_idx on the fleet projection answers the same queries (query_events'
 * keyword across all instances, and within an instance of more than 2,000 events), written in
 * batches by the projector. Reworked rather than dropped in indexes/events_lean, so that this
 * change's own verify says what is true now.
 */
DROP INDEX event_store.events_search_trgm_idx;

COMMIT;
