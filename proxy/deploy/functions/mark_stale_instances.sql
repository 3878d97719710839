-- Deploy supervisor_event_store_proxy:functions/mark_stale_instances to pg
-- requires: remote/mark_stale_instances
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * event_store.mark_stale_instances of the shards, on every shard, merged.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.mark_stale_instances(
    p_timeout interval DEFAULT '00:02:00'::interval
)
    RETURNS TABLE(instance_id text, last_heartbeat_at timestamp with time zone, event_id uuid, sequence_num bigint)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT m.* FROM event_store_remote.mark_stale_instances(p_timeout) m ORDER BY m.instance_id;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.mark_stale_instances IS
    'Mark active instances with no heartbeat within p_timeout (default 120 seconds) as stale, emit one instance_stale event each, and return (instance_id, last_heartbeat_at, event_id, sequence_num). Safe to call often and concurrently. Errors: ES006 invalid timeout.';

REVOKE ALL ON FUNCTION event_store.mark_stale_instances FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.mark_stale_instances TO event_store_writer;

COMMIT;
