-- Deploy supervisor_event_store:functions/_feed_key_since to pg
-- requires: tables/fleet_index
-- requires: tables/projections
-- requires: indexes/events_feed_key

BEGIN;

/*
 * Where a feed read "from a time" starts: the smallest feed_key among the events stamped at or
 * after p_since, the visible ones and the ones not visible yet (whose keys are >= the horizon),
 * so the result is least(that key, the horizon). The events up to the fleet projection's
 * watermark are found through fleet_index ("timestamp" index), the ones after it on the events
 * after the watermark (a range of events_feed_key_idx): the events table has no index on time
 * (it left the write path, issue 12). Used by feed_cursor and create_subscription.
 * LANGUAGE sql, STABLE, no SET: internal, inlined into its callers' snapshot; names qualified.
 */
CREATE OR REPLACE FUNCTION event_store._feed_key_since(
    p_since timestamptz
)
    RETURNS xid8
    LANGUAGE sql
    STABLE
AS $$
    SELECT least(            -- LEAST is syntax, not a function: it cannot be qualified
        (SELECT pg_catalog.min(f.feed_key) FROM event_store.fleet_index f WHERE f."timestamp" >= p_since),
        (SELECT pg_catalog.min(e.feed_key)
           FROM event_store.events e, event_store.projections w
          WHERE w.projection_name = 'fleet_index'
            AND (e.feed_key, e.global_position) OPERATOR(pg_catalog.>) (w.feed_key, w.global_position)
            AND e."timestamp" >= p_since),
        pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot()))
$$;

COMMENT ON FUNCTION event_store._feed_key_since(timestamptz) IS
    'Internal: the feed key to start reading from p_since on: the smallest key of the events stamped at or '
    'after it (projected or not), or the horizon when smaller.';

REVOKE ALL ON FUNCTION event_store._feed_key_since(timestamptz) FROM PUBLIC;

COMMIT;
