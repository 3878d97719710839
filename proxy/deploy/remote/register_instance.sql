-- Deploy supervisor_event_store_proxy:remote/register_instance to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partition
-- requires: types/instances

BEGIN;

/* Routing of register_instance: the shard function of the same name, on the shard owning p_instance_id. */
CREATE OR REPLACE FUNCTION event_store_remote.register_instance(
    p_instance_id text,
    p_instance_type text,
    p_project text,
    p_metadata jsonb
)
    RETURNS SETOF event_store.instances
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partition(p_instance_id);
    TARGET event_store.register_instance;
$$;

COMMENT ON FUNCTION event_store_remote.register_instance IS
    'Internal: event_store.register_instance on its instance''s shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.register_instance FROM PUBLIC;

COMMIT;
