-- Deploy supervisor_event_store_proxy:remote/emit_event to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partition

BEGIN;

/* Routing of emit_event: the shard function of the same name, on the shard owning p_instance_id. */
CREATE OR REPLACE FUNCTION event_store_remote.emit_event(
    p_instance_id text,
    p_event_type text,
    p_event_data jsonb,
    p_metadata jsonb,
    p_event_id uuid,
    p_expected_sequence bigint
)
    RETURNS TABLE(event_id uuid, sequence_num bigint, "timestamp" timestamp with time zone)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partition(p_instance_id);
    TARGET event_store.emit_event;
$$;

COMMENT ON FUNCTION event_store_remote.emit_event IS
    'Internal: event_store.emit_event on its instance''s shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.emit_event FROM PUBLIC;

COMMIT;
