-- Deploy supervisor_event_store_proxy:remote/aggregate_events_by_type to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partitions

BEGIN;

/* Routing of aggregate_events_by_type: the shard function of the same name, on the shard owning p_instance_id, or on every shard when it is NULL. */
CREATE OR REPLACE FUNCTION event_store_remote.aggregate_events_by_type(
    p_instance_id text,
    p_start_date timestamp with time zone,
    p_end_date timestamp with time zone
)
    RETURNS TABLE(event_type text, category text, event_count bigint)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partitions(p_instance_id);
    TARGET event_store.aggregate_events_by_type;
$$;

COMMENT ON FUNCTION event_store_remote.aggregate_events_by_type IS
    'Internal: event_store.aggregate_events_by_type on its instance''s shard, or every shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.aggregate_events_by_type FROM PUBLIC;

COMMIT;
