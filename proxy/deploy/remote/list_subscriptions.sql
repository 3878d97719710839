-- Deploy supervisor_event_store_proxy:remote/list_subscriptions to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards

BEGIN;

/* Routing of list_subscriptions: the shard function on each shard of p_shards at once (SPLIT, as remote/read_all), with its shard. */
CREATE OR REPLACE FUNCTION event_store_remote.list_subscriptions(
    p_partitions integer[],
    p_shards     integer[]
)
    RETURNS TABLE (shard integer, subscription_name text, slot integer, members integer, event_types text[],
                   instance_ids text[], project text, checkpoint text, holder integer, lease_until timestamptz,
                   acked_at timestamptz, events_behind bigint, seconds_behind double precision,
                   horizon_pid integer, horizon_age interval, horizon_state text)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    SPLIT p_partitions, p_shards;
    RUN ON p_partitions;
    SELECT s.shard, l.subscription_name, l.slot, l.members, l.event_types, l.instance_ids, l.project, l.checkpoint,
           l.holder, l.lease_until, l.acked_at, l.events_behind, l.seconds_behind, l.horizon_pid, l.horizon_age,
           l.horizon_state
      FROM unnest(p_shards) AS s(shard)
     CROSS JOIN LATERAL event_store.list_subscriptions() AS l;
$$;

COMMENT ON FUNCTION event_store_remote.list_subscriptions IS
    'Internal: event_store.list_subscriptions on each given shard, in parallel (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.list_subscriptions FROM PUBLIC;

COMMIT;
