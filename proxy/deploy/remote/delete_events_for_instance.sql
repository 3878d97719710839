-- Deploy supervisor_event_store_proxy:remote/delete_events_for_instance to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partition

BEGIN;

/* Routing of delete_events_for_instance: the shard function of the same name, on the shard owning p_instance_id. */
CREATE OR REPLACE FUNCTION event_store_remote.delete_events_for_instance(
    p_instance_id text
)
    RETURNS bigint
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partition(p_instance_id);
    TARGET event_store.delete_events_for_instance;
$$;

COMMENT ON FUNCTION event_store_remote.delete_events_for_instance IS
    'Internal: event_store.delete_events_for_instance on its instance''s shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.delete_events_for_instance FROM PUBLIC;

COMMIT;
