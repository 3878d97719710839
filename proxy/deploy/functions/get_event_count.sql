-- Deploy supervisor_event_store_proxy:functions/get_event_count to pg
-- requires: remote/get_event_count
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.get_event_count of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.get_event_count(
    p_instance_id text
)
    RETURNS bigint
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN event_store_remote.get_event_count(p_instance_id);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.get_event_count IS
    'Number of events of an instance (its stream head). Errors: ES002 unknown instance, ES006 invalid id.';

REVOKE ALL ON FUNCTION event_store.get_event_count FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.get_event_count TO event_store_reader;

COMMIT;
