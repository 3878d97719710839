-- Deploy supervisor_event_store_proxy:remote/get_latest_events to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partition
-- requires: types/events

BEGIN;

/* Routing of get_latest_events: the shard function of the same name, on the shard owning p_instance_id. */
CREATE OR REPLACE FUNCTION event_store_remote.get_latest_events(
    p_instance_id text,
    p_limit integer
)
    RETURNS SETOF event_store.events
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partition(p_instance_id);
    TARGET event_store.get_latest_events;
$$;

COMMENT ON FUNCTION event_store_remote.get_latest_events IS
    'Internal: event_store.get_latest_events on its instance''s shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.get_latest_events FROM PUBLIC;

COMMIT;
