-- Deploy supervisor_event_store_proxy:functions/list_instances to pg
-- requires: remote/list_instances
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * event_store.list_instances of the shards, on every shard, merged.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.list_instances(
    p_status text DEFAULT NULL::text
)
    RETURNS SETOF event_store.instances
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT i.* FROM event_store_remote.list_instances(p_status) i
                  ORDER BY i.last_heartbeat_at DESC, i.instance_id;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.list_instances IS
    'List registered instances (all, or only p_status = active/stale), most recent heartbeat first; last_sequence_num is each stream''s head. Errors: ES006 invalid status.';

REVOKE ALL ON FUNCTION event_store.list_instances FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.list_instances TO event_store_reader;

COMMIT;
