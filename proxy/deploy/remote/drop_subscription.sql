-- Deploy supervisor_event_store_proxy:remote/drop_subscription to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards

BEGIN;

/* Routing of drop_subscription: the shard function on one shard (reached by partition p_partition). */
CREATE OR REPLACE FUNCTION event_store_remote.drop_subscription(
    p_partition         integer,
    p_subscription_name text
)
    RETURNS boolean
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON p_partition;
    SELECT event_store.drop_subscription(p_subscription_name) AS drop_subscription;
$$;

COMMENT ON FUNCTION event_store_remote.drop_subscription IS
    'Internal: event_store.drop_subscription on one shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.drop_subscription FROM PUBLIC;

COMMIT;
