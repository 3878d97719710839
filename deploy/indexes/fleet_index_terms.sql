-- Deploy supervisor_event_store:indexes/fleet_index_terms to pg
-- requires: tables/fleet_index
-- requires: functions/_search_terms
-- requires: extensions/btree_gin

BEGIN;

/*
 * Keywords with whole tokens inside them ('cold start (#17)', 'timeout after 30s waiting'):
 * the rows whose text holds the keyword's terms (_keyword_terms: tokens and adjacent pairs), a
 * superset of its matches that query_events narrows with a substring test. With the instance
 * first, as fleet_index_search_idx, for a keyword on one instance too. Written by the projector
 * with the rest of fleet_index, never by emit.
 */
DO $$
BEGIN
    EXECUTE format(
        'CREATE INDEX fleet_index_terms_idx ON event_store.fleet_index '
        'USING gin (instance_id %I.varchar_ops, event_store._search_terms(search_text))',
        (SELECT x.extnamespace::regnamespace::text FROM pg_catalog.pg_extension x WHERE x.extname = 'btree_gin'));
END
$$;

COMMENT ON INDEX event_store.fleet_index_terms_idx IS
    'Keywords with whole tokens inside: rows holding the keyword''s tokens and adjacent token pairs (_search_terms).';

COMMIT;
