-- Deploy supervisor_event_store:indexes/events_search to pg
-- requires: tables/events
-- requires: functions/_search_text
-- requires: extensions/pg_trgm

BEGIN;

/*
 * Trigram index behind query_events' p_keyword (a case-insensitive substring of the values of
 * event_data and metadata). LIKE '%word%' on _search_text uses it for keywords of 3 or more
 * characters. Measured costs and the small-instance plan choice: docs/benchmarks.md.
 * The operator class is looked up where pg_trgm is installed (event_store, or a schema where the
 * database already had it).
 */
DO $$
BEGIN
    EXECUTE format(
        'CREATE INDEX events_search_trgm_idx ON event_store.events '
        'USING gin (event_store._search_text(event_data, metadata) %I.gin_trgm_ops)',
        (SELECT x.extnamespace::regnamespace::text FROM pg_catalog.pg_extension x WHERE x.extname = 'pg_trgm'));
END
$$;

COMMENT ON INDEX event_store.events_search_trgm_idx IS
    'Trigram GIN over _search_text(event_data, metadata): keyword search of query_events.';

COMMIT;
