-- Deploy supervisor_event_store_proxy:remote/heartbeat to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partition

BEGIN;

/* Routing of heartbeat: the shard function of the same name, on the shard owning p_instance_id. */
CREATE OR REPLACE FUNCTION event_store_remote.heartbeat(
    p_instance_id text,
    p_context_percent numeric
)
    RETURNS TABLE(event_id uuid, sequence_num bigint, "timestamp" timestamp with time zone)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partition(p_instance_id);
    TARGET event_store.heartbeat;
$$;

COMMENT ON FUNCTION event_store_remote.heartbeat IS
    'Internal: event_store.heartbeat on its instance''s shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.heartbeat FROM PUBLIC;

COMMIT;
