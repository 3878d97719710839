-- Deploy supervisor_event_store_proxy:remote/ack_subscription to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards

BEGIN;

/* Routing of ack_subscription: the shard function on one shard (reached by partition p_partition). */
CREATE OR REPLACE FUNCTION event_store_remote.ack_subscription(
    p_partition         integer,
    p_subscription_name text,
    p_cursor            text,
    p_member            integer
)
    RETURNS TABLE (subscription_name text, slot integer, checkpoint text)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON p_partition;
    SELECT a.subscription_name, a.slot, a.checkpoint
      FROM event_store.ack_subscription(p_subscription_name, p_cursor, p_member) AS a;
$$;

COMMENT ON FUNCTION event_store_remote.ack_subscription IS
    'Internal: event_store.ack_subscription on one shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.ack_subscription FROM PUBLIC;

COMMIT;
