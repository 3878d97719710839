-- Deploy supervisor_event_store_proxy:functions/register_instance to pg
-- requires: remote/register_instance
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.register_instance of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.register_instance(
    p_instance_id text,
    p_instance_type text,
    p_project text,
    p_metadata jsonb DEFAULT NULL::jsonb
)
    RETURNS SETOF event_store.instances
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT r.* FROM event_store_remote.register_instance(p_instance_id, p_instance_type, p_project, p_metadata) r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.register_instance IS
    'Create or re-activate an instance and emit instance_registered; returns the instance row. p_instance_type: PS or MS. p_project: non-empty project name. p_metadata: optional JSON object (kept as is when NULL on re-registration). Errors: ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.register_instance FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.register_instance TO event_store_writer;

COMMIT;
