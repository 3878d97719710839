-- Deploy supervisor_event_store_proxy:remote/replay_events to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partition

BEGIN;

/* Routing of replay_events: the shard function of the same name, on the shard owning p_instance_id. */
CREATE OR REPLACE FUNCTION event_store_remote.replay_events(
    p_instance_id text,
    p_to_sequence_num bigint
)
    RETURNS TABLE(final_state jsonb, events_replayed bigint, duration_ms numeric)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partition(p_instance_id);
    TARGET event_store.replay_events;
$$;

COMMENT ON FUNCTION event_store_remote.replay_events IS
    'Internal: event_store.replay_events on its instance''s shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.replay_events FROM PUBLIC;

COMMIT;
