-- Deploy supervisor_event_store:tables/fleet_index to pg
-- requires: tables/events
-- requires: functions/_search_text
-- requires: extensions/pg_trgm
-- requires: extensions/btree_gin

BEGIN;

/*
 * The fleet projection: one row per event, written by project_fleet from the change feed, never
 * by emit. It carries what fleet-wide reads need (type, time, the keyword text) and their indexes,
 * which the events table no longer carries: each index there was paid by every emit, here it is
 * paid once per batch, off the write path (issue 12).
 * search_text is _search_text(event_data, metadata), computed once; the GIN index over
 * (instance_id, trigrams of search_text) answers keywords across all instances or within one
 * (btree_gin for varchar, as events_search_trgm_idx did). (event_type, global_position) gives
 * type-filtered pages in global order; ("timestamp") INCLUDE (event_type) gives date ranges and
 * the partial hours of aggregate_events_by_type, index-only.
 * The events after the watermark (tables/projections) are not here yet: readers take them from
 * the events table, so nothing is missing while the projector catches up.
 */
CREATE TABLE event_store.fleet_index (
    global_position bigint      PRIMARY KEY,
    feed_key        xid8        NOT NULL,
    instance_id     varchar(32) NOT NULL,
    sequence_num    bigint      NOT NULL,
    event_type      text        NOT NULL,
    "timestamp"     timestamptz NOT NULL,
    search_text     text        NOT NULL
);

DO $$
BEGIN
    EXECUTE format(
        'CREATE INDEX fleet_index_search_idx ON event_store.fleet_index '
        'USING gin (instance_id %I.varchar_ops, search_text %I.gin_trgm_ops)',
        (SELECT x.extnamespace::regnamespace::text FROM pg_catalog.pg_extension x WHERE x.extname = 'btree_gin'),
        (SELECT x.extnamespace::regnamespace::text FROM pg_catalog.pg_extension x WHERE x.extname = 'pg_trgm'));
END
$$;
CREATE INDEX fleet_index_type_idx ON event_store.fleet_index (event_type, global_position);
CREATE INDEX fleet_index_timestamp_idx ON event_store.fleet_index ("timestamp") INCLUDE (event_type);

COMMENT ON TABLE event_store.fleet_index IS
    'Projection of every event up to the fleet_index watermark (tables/projections): type, time and '
    'keyword text with their indexes, for fleet-wide reads. Written only by project_fleet.';
COMMENT ON COLUMN event_store.fleet_index.global_position IS 'The event (events.global_position).';
COMMENT ON COLUMN event_store.fleet_index.feed_key IS 'The event''s feed_key.';
COMMENT ON COLUMN event_store.fleet_index.sequence_num IS 'The event''s sequence_num: keyword pages of one instance are in sequence order.';
COMMENT ON COLUMN event_store.fleet_index.search_text IS
    '_search_text(event_data, metadata): the lower-cased values that p_keyword matches.';
COMMENT ON INDEX event_store.fleet_index_search_idx IS
    'GIN over (instance_id, trigrams of search_text): keyword search across all instances or within one.';
COMMENT ON INDEX event_store.fleet_index_type_idx IS 'Type-filtered fleet pages in global order.';
COMMENT ON INDEX event_store.fleet_index_timestamp_idx IS 'Date ranges across all instances (index-only with the type).';

REVOKE ALL ON event_store.fleet_index FROM PUBLIC;

COMMIT;
