-- Deploy supervisor_event_store_proxy:remote/list_instances to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: types/instances

BEGIN;

/* Routing of list_instances: the shard function of the same name, on every shard. */
CREATE OR REPLACE FUNCTION event_store_remote.list_instances(
    p_status text
)
    RETURNS SETOF event_store.instances
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON ALL;
    TARGET event_store.list_instances;
$$;

COMMENT ON FUNCTION event_store_remote.list_instances IS
    'Internal: event_store.list_instances on every shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.list_instances FROM PUBLIC;

COMMIT;
