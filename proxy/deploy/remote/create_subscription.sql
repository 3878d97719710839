-- Deploy supervisor_event_store_proxy:remote/create_subscription to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards

BEGIN;

/*
 * Routing of create_subscription: the shard function on each shard of p_shards at once (SPLIT, as
 * remote/read_all), each from its own start point (p_starts), with its part of the instance filter.
 */
CREATE OR REPLACE FUNCTION event_store_remote.create_subscription(
    p_partitions        integer[],
    p_shards            integer[],
    p_starts            text[],
    p_subscription_name text,
    p_event_types       text[],
    p_instance_ids      text[],
    p_instance_shards   integer[],
    p_project           text,
    p_members           integer,
    p_lease             interval
)
    RETURNS TABLE (shard integer, subscription_name text, members integer, checkpoint text, created boolean)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    SPLIT p_partitions, p_shards, p_starts;
    RUN ON p_partitions;
    SELECT s.shard, c.subscription_name, c.members, c.checkpoint, c.created
      FROM unnest(p_shards, p_starts) AS s(shard, start_from)
     CROSS JOIN LATERAL event_store.create_subscription(
           p_subscription_name, s.start_from, p_event_types,
           CASE WHEN p_instance_ids IS NULL THEN NULL
                ELSE ARRAY(SELECT u.id FROM unnest(p_instance_ids, p_instance_shards) AS u(id, shard)
                            WHERE u.shard = s.shard) END,
           p_project, p_members, p_lease) AS c;
$$;

COMMENT ON FUNCTION event_store_remote.create_subscription IS
    'Internal: event_store.create_subscription on each given shard, in parallel (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.create_subscription FROM PUBLIC;

COMMIT;
