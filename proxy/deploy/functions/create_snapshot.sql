-- Deploy supervisor_event_store_proxy:functions/create_snapshot to pg
-- requires: remote/create_snapshot
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.create_snapshot of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.create_snapshot(
    p_instance_id text
)
    RETURNS TABLE(snapshot_id bigint, instance_id text, sequence_num bigint, fold_version integer, events_replayed bigint, created_at timestamp with time zone)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT r.* FROM event_store_remote.create_snapshot(p_instance_id) r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.create_snapshot IS
    'Snapshot an instance''s folded state at its head; returns (snapshot_id, instance_id, sequence_num, fold_version, events_replayed = events read to build it, created_at). Idempotent per head. Errors: ES002 unknown instance, ES006 invalid instance id or no events yet.';

REVOKE ALL ON FUNCTION event_store.create_snapshot FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.create_snapshot TO event_store_writer;

COMMIT;
