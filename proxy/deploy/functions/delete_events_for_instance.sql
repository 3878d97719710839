-- Deploy supervisor_event_store_proxy:functions/delete_events_for_instance to pg
-- requires: remote/delete_events_for_instance
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.delete_events_for_instance of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.delete_events_for_instance(
    p_instance_id text
)
    RETURNS bigint
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN event_store_remote.delete_events_for_instance(p_instance_id);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.delete_events_for_instance IS
    'Admin only, for test clean-up: delete all events of p_instance_id, reset its sequence to 0 and return how many were deleted. The only way past the ES005 immutability triggers. Errors: ES002 unknown instance, ES006 invalid instance id.';

REVOKE ALL ON FUNCTION event_store.delete_events_for_instance FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.delete_events_for_instance TO event_store_admin;

COMMIT;
