-- Deploy supervisor_event_store_proxy:remote/create_snapshot to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: functions/_partition

BEGIN;

/* Routing of create_snapshot: the shard function of the same name, on the shard owning p_instance_id. */
CREATE OR REPLACE FUNCTION event_store_remote.create_snapshot(
    p_instance_id text
)
    RETURNS TABLE(snapshot_id bigint, instance_id text, sequence_num bigint, fold_version integer, events_replayed bigint, created_at timestamp with time zone)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON event_store._partition(p_instance_id);
    TARGET event_store.create_snapshot;
$$;

COMMENT ON FUNCTION event_store_remote.create_snapshot IS
    'Internal: event_store.create_snapshot on its instance''s shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.create_snapshot FROM PUBLIC;

COMMIT;
