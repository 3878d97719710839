-- Deploy supervisor_event_store:indexes/events_search to pg
-- requires: tables/events
-- requires: functions/_search_text
-- requires: extensions/pg_trgm

BEGIN;

/*
 * GIN index behind query_events' p_keyword (a case-insensitive substring of the values of
 * event_data and metadata): instance_id (btree_gin) and the trigrams of _search_text. LIKE
 * '%word%' on _search_text uses it for keywords of 3 or more characters, across all instances
 * (the trigram column alone) or within one (both columns: GIN intersects the instance's entry
 * with the trigrams, so only that instance's candidates are read from the table; with the
 * trigrams alone, a keyword on a 1M-event instance rechecked every candidate of every
 * instance: 356 ms against 45 ms at 10M events, docs/benchmarks.md). The instance key adds
 * one GIN entry per row to the ~50-100 trigram entries.
 * btree_gin (the GIN operator class for varchar) is installed here, into event_store when absent,
 * because this index is its only user; operator classes are looked up where the extensions are.
 */
CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA event_store;

DO $$
BEGIN
    EXECUTE format(
        'CREATE INDEX events_search_trgm_idx ON event_store.events '
        'USING gin (instance_id %I.varchar_ops, event_store._search_text(event_data, metadata) %I.gin_trgm_ops)',
        (SELECT x.extnamespace::regnamespace::text FROM pg_catalog.pg_extension x WHERE x.extname = 'btree_gin'),
        (SELECT x.extnamespace::regnamespace::text FROM pg_catalog.pg_extension x WHERE x.extname = 'pg_trgm'));
END
$$;

COMMENT ON INDEX event_store.events_search_trgm_idx IS
    'GIN over (instance_id, trigrams of _search_text(event_data, metadata)): keyword search of '
    'query_events, across all instances or within one.';

COMMIT;
