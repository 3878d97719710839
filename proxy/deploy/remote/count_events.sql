-- Deploy supervisor_event_store_proxy:remote/count_events to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partitions

BEGIN;

/* Routing of count_events: the shard function of the same name, on the shard owning p_instance_id, or on every shard when it is NULL. */
CREATE OR REPLACE FUNCTION event_store_remote.count_events(
    p_instance_id text,
    p_event_types text[],
    p_start_date timestamp with time zone,
    p_end_date timestamp with time zone,
    p_keyword text,
    p_after_sequence bigint
)
    RETURNS SETOF bigint
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partitions(p_instance_id);
    TARGET event_store.count_events;
$$;

COMMENT ON FUNCTION event_store_remote.count_events IS
    'Internal: event_store.count_events on its instance''s shard, or every shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.count_events FROM PUBLIC;

COMMIT;
