-- Deploy supervisor_event_store_proxy:functions/list_subscriptions to pg
-- requires: remote/list_subscriptions
-- requires: functions/_feed_vector
-- requires: functions/_feed_targets
-- requires: functions/_shard_map
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * Every subscription slot through the proxy: the shards' rows of one slot merged into one row.
 * checkpoint: a proxy cursor of the shards' checkpoints (* for a shard without the subscription);
 * instance_ids: the union of the shards' parts (sorted); holder: the member holding the slot on
 * every shard (NULL when none does yet, or the shards disagree after a takeover on one of them);
 * lease_until: the earliest; acked_at: the latest ack on any shard; events_behind: the sum;
 * seconds_behind: the largest. horizon_*: the oldest open transaction on any shard (each shard's
 * holds back that shard's part only); horizon_state says which shard its pid is on.
 */
CREATE OR REPLACE FUNCTION event_store.list_subscriptions()
    RETURNS TABLE (subscription_name text, slot int, members int, event_types text[], instance_ids text[],
                   project text, checkpoint text, holder int, lease_until timestamptz, acked_at timestamptz,
                   events_behind bigint, seconds_behind double precision,
                   horizon_pid int, horizon_age interval, horizon_state text)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_map     text := event_store._shard_map();
    v_targets record;
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    SELECT * INTO v_targets FROM event_store._feed_targets(v_map, NULL, NULL);
    RETURN QUERY
    WITH l AS MATERIALIZED (
        SELECT r.* FROM event_store_remote.list_subscriptions(v_targets.partitions, v_targets.shards) r),
    h AS (
        SELECT l.horizon_pid, l.horizon_age, l.horizon_state || format(' (shard %s)', l.shard) AS horizon_state
          FROM l WHERE l.horizon_age IS NOT NULL
         ORDER BY l.horizon_age DESC LIMIT 1)
    SELECT l.subscription_name, l.slot, max(l.members), min(l.event_types),
           (SELECT array_agg(DISTINCT i ORDER BY i) FROM l x CROSS JOIN LATERAL unnest(x.instance_ids) i
             WHERE x.subscription_name = l.subscription_name AND x.slot = l.slot),
           min(l.project),
           event_store._feed_vector('s1', v_map,
               ARRAY(SELECT coalesce((SELECT x.checkpoint FROM l x WHERE x.subscription_name = l.subscription_name
                                         AND x.slot = l.slot AND x.shard = k), '*')
                       FROM unnest(v_targets.shards) k ORDER BY k)),
           CASE WHEN count(DISTINCT coalesce(l.holder, -1)) = 1 THEN max(l.holder) END,
           min(l.lease_until), max(l.acked_at), sum(l.events_behind)::bigint, max(l.seconds_behind),
           (SELECT h.horizon_pid FROM h), (SELECT h.horizon_age FROM h), (SELECT h.horizon_state FROM h)
      FROM l
     GROUP BY l.subscription_name, l.slot
     ORDER BY l.subscription_name, l.slot;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.list_subscriptions() IS
    'Every subscription slot (one row per consumer-group member) with checkpoint, holder, lease, last ack, '
    'events_behind and seconds_behind, and the oldest open transaction holding the horizon back '
    '(horizon_pid, horizon_age, horizon_state; no query text or user is shown). Through the proxy: each '
    'slot''s rows of every shard merged (checkpoint: one position per shard; events_behind summed); '
    'horizon_state names the shard. Errors: ES010 a shard is unavailable.';

REVOKE ALL ON FUNCTION event_store.list_subscriptions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.list_subscriptions() TO event_store_reader;

COMMIT;
