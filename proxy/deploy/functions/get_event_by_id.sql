-- Deploy supervisor_event_store_proxy:functions/get_event_by_id to pg
-- requires: remote/get_event_by_id
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * event_store.get_event_by_id of the shards, on every shard, merged.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.get_event_by_id(
    p_event_id uuid
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
    RETURN QUERY SELECT e.* FROM event_store_remote.get_event_by_id(p_event_id) e;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.get_event_by_id IS
    'The event with this event_id as an event row, or no row when there is none. Errors: ES006 null id.';

REVOKE ALL ON FUNCTION event_store.get_event_by_id FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.get_event_by_id TO event_store_reader;

COMMIT;
