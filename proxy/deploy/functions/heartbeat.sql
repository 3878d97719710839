-- Deploy supervisor_event_store_proxy:functions/heartbeat to pg
-- requires: remote/heartbeat
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.heartbeat of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.heartbeat(
    p_instance_id text,
    p_context_percent numeric DEFAULT NULL::numeric
)
    RETURNS TABLE(event_id uuid, sequence_num bigint, "timestamp" timestamp with time zone)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT r.* FROM event_store_remote.heartbeat(p_instance_id, p_context_percent) r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.heartbeat IS
    'Record a heartbeat: sets last_heartbeat_at, re-activates a stale instance and emits instance_heartbeat (with context_percent when given, 0-100). Returns the emitted event''s (event_id, sequence_num, timestamp). Errors: ES002 unknown instance, ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.heartbeat FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.heartbeat TO event_store_writer;

COMMIT;
