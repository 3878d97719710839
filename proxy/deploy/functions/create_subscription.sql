-- Deploy supervisor_event_store_proxy:functions/create_subscription to pg
-- requires: remote/create_subscription
-- requires: functions/_feed_parts
-- requires: functions/_feed_vector
-- requires: functions/_feed_targets
-- requires: functions/_shard_map
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * A subscription through the proxy is the subscription of the same name on every shard: created
 * here on every shard at once, each with its own checkpoint (and consumer-group slots and leases).
 * An instance filter goes to the shards holding those instances only, each with its part of the
 * list (another shard would refuse the ids as unknown, ES002, and never holds their events).
 * p_start_from: 'beginning', 'end' or a time is each shard's own start point of it; a proxy cursor
 * gives each shard its own position.
 *
 * Each shard commits on its own (PL/Proxy). The shard function is idempotent, so this is too and is
 * safe to retry: when a shard fails (ES010), the others have created theirs; calling again with the
 * same definition creates the rest and leaves the others untouched. Until then poll_subscription
 * serves the shards that have it. With 'end', the part created later starts later: to start every
 * shard at one moment across a retry, pass a cursor of feed_cursor('end') taken once. ES007 (a
 * shard has the name with another definition) may leave the shards without it created: drop it
 * (drop_subscription reaches every shard) or use another name.
 * Returns the checkpoint as a proxy cursor (* for a shard without the subscription) and created
 * true when this call created it on some shard.
 */
CREATE OR REPLACE FUNCTION event_store.create_subscription(
    p_subscription_name text,
    p_start_from        text     DEFAULT 'beginning',
    p_event_types       text[]   DEFAULT NULL,
    p_instance_ids      text[]   DEFAULT NULL,
    p_project           text     DEFAULT NULL,
    p_members           int      DEFAULT 1,
    p_lease             interval DEFAULT '30 seconds'
)
    RETURNS TABLE (subscription_name text, members int, checkpoint text, created boolean)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_map     text := event_store._shard_map();
    v_parts   text[];
    v_targets record;
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    v_parts := event_store._feed_parts(NULL, 's1', v_map, NULL, true);          -- one NULL per shard
    IF p_start_from ~ '^(s1:|p1:|f1\.)' THEN
        v_parts := event_store._feed_parts(p_start_from, 's1', v_map, NULL, true);
    ELSE
        v_parts := array_fill(p_start_from, ARRAY[cardinality(v_parts)]);
    END IF;
    SELECT * INTO v_targets FROM event_store._feed_targets(v_map, v_parts, p_instance_ids);
    RETURN QUERY
    WITH made AS (
        SELECT c.* FROM event_store_remote.create_subscription(
            v_targets.partitions, v_targets.shards,
            ARRAY(SELECT coalesce(s, 'beginning') FROM unnest(v_targets.parts) WITH ORDINALITY u(s, n) ORDER BY n),
            p_subscription_name, p_event_types, p_instance_ids, v_targets.instance_shards, p_project, p_members,
            p_lease) c)
    SELECT min(m.subscription_name), min(m.members),
           event_store._feed_vector('s1', v_map,
               ARRAY(SELECT coalesce((SELECT x.checkpoint FROM made x WHERE x.shard = k), '*')
                       FROM generate_series(0, cardinality(v_parts) - 1) k ORDER BY k)),
           bool_or(m.created)
      FROM made m;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.create_subscription(text, text, text[], text[], text, int, interval) IS
    'Create a named subscription -> (subscription_name, members, checkpoint, created). p_start_from: '
    '''beginning'', ''end'', a cursor, or an ISO timestamp. Filters as read_all. p_members: consumer-group '
    'size; p_lease: how long a silent member keeps its share. The same definition again returns the '
    'existing one (created = false). Through the proxy: the same-named subscription on every shard (on the '
    'shards holding its instances, with an instance filter), safe to retry after a partial failure. '
    'Errors: ES001/ES002 unknown type/instance in a filter, ES006 bad name, start, members, lease or filter, '
    'ES007 name taken by another definition; ES010 a shard is unavailable.';

REVOKE ALL ON FUNCTION event_store.create_subscription(text, text, text[], text[], text, int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.create_subscription(text, text, text[], text[], text, int, interval)
    TO event_store_writer;

COMMIT;
