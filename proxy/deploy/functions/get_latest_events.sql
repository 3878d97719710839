-- Deploy supervisor_event_store_proxy:functions/get_latest_events to pg
-- requires: remote/get_latest_events
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.get_latest_events of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.get_latest_events(
    p_instance_id text,
    p_limit integer DEFAULT 10
)
    RETURNS SETOF event_store.events
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT r.* FROM event_store_remote.get_latest_events(p_instance_id, p_limit) r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.get_latest_events IS
    'The newest p_limit (1-1000, default 10) events of an instance, newest first, as event rows. Errors: ES002 unknown instance, ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.get_latest_events FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.get_latest_events TO event_store_reader;

COMMIT;
