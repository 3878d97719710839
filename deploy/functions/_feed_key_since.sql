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
 * STABLE (its caller's snapshot), no SET: internal, every name qualified; EXECUTE, so the range
 * after the watermark is planned with its values (LEAST is syntax: it cannot be qualified).
 */
CREATE OR REPLACE FUNCTION event_store._feed_key_since(
    p_since timestamptz
)
    RETURNS xid8
    LANGUAGE plpgsql
    STABLE
AS $$
DECLARE
    v_mark_key xid8;
    v_mark_pos bigint;
    v_key      xid8;
BEGIN
    -- The watermark as values (one snapshot: STABLE), so the events after it are planned as the
    -- short range of events_feed_key_idx they are.
    SELECT w.feed_key, w.global_position INTO v_mark_key, v_mark_pos
      FROM event_store.projections w WHERE w.projection_name = 'fleet_index';
    EXECUTE 'SELECT least((SELECT pg_catalog.min(f.feed_key) FROM event_store.fleet_index f WHERE f."timestamp" >= $1),
                          (SELECT pg_catalog.min(e.feed_key) FROM event_store.events e
                            WHERE (e.feed_key, e.global_position) OPERATOR(pg_catalog.>) ($2, $3)
                              AND e."timestamp" >= $1),
                          pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot()))'
       INTO v_key USING p_since, v_mark_key, v_mark_pos;
    RETURN v_key;
END
$$;

COMMENT ON FUNCTION event_store._feed_key_since(timestamptz) IS
    'Internal: the feed key to start reading from p_since on: the smallest key of the events stamped at or '
    'after it (projected or not), or the horizon when smaller.';

REVOKE ALL ON FUNCTION event_store._feed_key_since(timestamptz) FROM PUBLIC;

COMMIT;
