-- Deploy supervisor_event_store_proxy:remote/get_event_count to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partition

BEGIN;

/* Routing of get_event_count: the shard function of the same name, on the shard owning p_instance_id. */
CREATE OR REPLACE FUNCTION event_store_remote.get_event_count(
    p_instance_id text
)
    RETURNS bigint
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partition(p_instance_id);
    TARGET event_store.get_event_count;
$$;

COMMENT ON FUNCTION event_store_remote.get_event_count IS
    'Internal: event_store.get_event_count on its instance''s shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.get_event_count FROM PUBLIC;

COMMIT;
