-- Revert supervisor_event_store:indexes/events_search from pg (the keyword index back on events)

BEGIN;

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
