-- Deploy supervisor_event_store_proxy:functions/read_all to pg
-- requires: remote/read_all
-- requires: functions/_feed_merge
-- requires: functions/_feed_parts
-- requires: functions/_feed_targets
-- requires: functions/_shard_map
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * The change feed through the proxy: the next committed events of every shard after a vector
 * cursor (one position per shard, _feed_vector), merged into one page (_feed_merge says in which
 * order: each shard's order kept, so each instance's events in sequence order; no global order
 * exists across shards). Each shard reads after its own position, in parallel, with every
 * guarantee of read_all on one server (never skip, never repeat); the cursor of each row holds
 * every shard's position after it, so the same holds across shards.
 * An instance filter reaches only the shards holding those instances; the others keep their position.
 * A shard that is down fails the call (ES010 naming it): the caller retries from the same cursor.
 */
CREATE OR REPLACE FUNCTION event_store.read_all(
    p_after        text   DEFAULT NULL,
    p_limit        int    DEFAULT 1000,
    p_event_types  text[] DEFAULT NULL,
    p_instance_ids text[] DEFAULT NULL,
    p_project      text   DEFAULT NULL
)
    RETURNS TABLE (event_id uuid, instance_id text, event_type text, sequence_num bigint,
                   "timestamp" timestamptz, event_data jsonb, metadata jsonb, created_at timestamptz,
                   updated_at timestamptz, global_position bigint, transaction_id xid8, cursor text)
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
    v_parts := event_store._feed_parts(p_after, 's1', v_map, NULL, true);
    SELECT * INTO v_targets FROM event_store._feed_targets(v_map, v_parts, p_instance_ids);
    RETURN QUERY
    SELECT * FROM event_store._feed_merge(
        ARRAY(SELECT r FROM event_store_remote.read_all(
                  v_targets.partitions, v_targets.shards, v_targets.parts, p_limit, p_event_types, p_instance_ids,
                  v_targets.instance_shards, p_project) r),
        v_parts, p_limit, 's1', v_map);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.read_all(text, int, text[], text[], text) IS
    'The next committed events of all instances after the cursor p_after (NULL = from the beginning), '
    'in change-feed order: through the proxy, each shard''s events in its feed order (each instance in '
    'sequence_num order), the shards interleaved by created_at (no global order exists across shards); '
    'never skipping or repeating an event. Each row carries cursor (text, opaque: one position per shard): '
    'pass it as p_after to read on after that row. p_limit 1-10000; filters p_event_types, p_instance_ids, '
    'p_project (AND). Errors: ES001 unknown type, ES002 unknown instance, ES006 malformed, foreign or '
    'one-server cursor, a cursor of another shard layout, bad limit or filter; ES010 a shard is unavailable.';

REVOKE ALL ON FUNCTION event_store.read_all(text, int, text[], text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.read_all(text, int, text[], text[], text) TO event_store_reader;

COMMIT;
