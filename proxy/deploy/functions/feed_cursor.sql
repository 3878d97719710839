-- Deploy supervisor_event_store_proxy:functions/feed_cursor to pg
-- requires: remote/feed_cursor
-- requires: functions/_feed_parts
-- requires: functions/_feed_vector
-- requires: functions/_feed_targets
-- requires: functions/_shard_map
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * A cursor to start read_all from through the proxy: one position per shard. 'beginning' (or
 * NULL): every shard's beginning, made here; a proxy cursor: checked and returned as is; 'end' or
 * a time: each shard's own feed_cursor of it (which checks it), at once on every shard.
 */
CREATE OR REPLACE FUNCTION event_store.feed_cursor(
    p_start_from text DEFAULT 'end'
)
    RETURNS text
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_map     text := event_store._shard_map();
    v_parts   text[];
    v_targets record;
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    IF p_start_from IS NULL OR p_start_from = 'beginning' THEN
        RETURN event_store._feed_vector('s1', v_map, event_store._feed_parts(NULL, 's1', v_map, NULL, true));
    ELSIF p_start_from ~ '^(s1:|p1:|f1\.)' THEN
        PERFORM event_store._feed_parts(p_start_from, 's1', v_map, NULL, true);   -- ES006 for a bad cursor
        RETURN p_start_from;
    END IF;
    SELECT * INTO v_targets FROM event_store._feed_targets(v_map, NULL, NULL);
    SELECT array_agg(c.cursor ORDER BY c.shard) INTO v_parts
      FROM event_store_remote.feed_cursor(v_targets.partitions, v_targets.shards, p_start_from) c;
    RETURN event_store._feed_vector('s1', v_map, v_parts);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.feed_cursor(text) IS
    'A cursor to start read_all from: ''beginning'' (or NULL), ''end'' (only events committed from now on), '
    'a cursor (checked, returned as is) or an ISO timestamp (events stamped at or after it). Through the proxy '
    'the cursor holds one position per shard. Errors: ES006 bad start, malformed, foreign or one-server '
    'cursor, or a cursor of another shard layout; ES010 a shard is unavailable.';

REVOKE ALL ON FUNCTION event_store.feed_cursor(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.feed_cursor(text) TO event_store_reader;

COMMIT;
