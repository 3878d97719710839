-- Deploy supervisor_event_store_proxy:remote/query_events to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partitions

BEGIN;

/* Routing of query_events: the shard function of the same name, on the shard owning p_instance_id, or on every shard when it is NULL. */
CREATE OR REPLACE FUNCTION event_store_remote.query_events(
    p_instance_id text,
    p_event_types text[],
    p_start_date timestamp with time zone,
    p_end_date timestamp with time zone,
    p_keyword text,
    p_limit integer,
    p_offset integer,
    p_after_sequence bigint,
    p_exact_count boolean
)
    RETURNS TABLE(event_id uuid, instance_id text, event_type text, sequence_num bigint, "timestamp" timestamp with time zone, event_data jsonb, metadata jsonb, created_at timestamp with time zone, updated_at timestamp with time zone, global_position bigint, transaction_id xid8, total_count bigint, has_more boolean, total_exact boolean)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partitions(p_instance_id);
    TARGET event_store.query_events;
$$;

COMMENT ON FUNCTION event_store_remote.query_events IS
    'Internal: event_store.query_events on its instance''s shard, or every shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.query_events FROM PUBLIC;

COMMIT;
