-- Deploy supervisor_event_store_proxy:remote/mark_stale_instances to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards

BEGIN;

/* Routing of mark_stale_instances: the shard function of the same name, on every shard. */
CREATE OR REPLACE FUNCTION event_store_remote.mark_stale_instances(
    p_timeout interval
)
    RETURNS TABLE(instance_id text, last_heartbeat_at timestamp with time zone, event_id uuid, sequence_num bigint)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON ALL;
    TARGET event_store.mark_stale_instances;
$$;

COMMENT ON FUNCTION event_store_remote.mark_stale_instances IS
    'Internal: event_store.mark_stale_instances on every shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.mark_stale_instances FROM PUBLIC;

COMMIT;
