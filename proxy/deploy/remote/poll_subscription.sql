-- Deploy supervisor_event_store_proxy:remote/poll_subscription to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: types/feed_row

BEGIN;

/*
 * Routing of poll_subscription: the shard function on one shard (p_shard, reached by partition
 * p_partition), each row with the shard and its place in the batch. One shard per call, so that
 * the proxy can tell a shard without the subscription (ES008) from one that failed.
 */
CREATE OR REPLACE FUNCTION event_store_remote.poll_subscription(
    p_partition         integer,
    p_shard             integer,
    p_subscription_name text,
    p_limit             integer,
    p_member            integer
)
    RETURNS SETOF event_store_remote.feed_row
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON p_partition;
    SELECT p_shard AS shard, r.ord, r.event_id, r.instance_id, r.event_type, r.sequence_num, r."timestamp",
           r.event_data, r.metadata, r.created_at, r.updated_at, r.global_position, r.transaction_id, r.cursor
      FROM event_store.poll_subscription(p_subscription_name, p_limit, p_member)
           WITH ORDINALITY AS r(event_id, instance_id, event_type, sequence_num, "timestamp", event_data,
                                metadata, created_at, updated_at, global_position, transaction_id, cursor, ord);
$$;

COMMENT ON FUNCTION event_store_remote.poll_subscription IS
    'Internal: event_store.poll_subscription on one shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.poll_subscription FROM PUBLIC;

COMMIT;
