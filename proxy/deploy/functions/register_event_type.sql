-- Deploy supervisor_event_store_proxy:functions/register_event_type to pg
-- requires: remote/register_event_type
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * event_store.register_event_type of the shards, on every shard, merged.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.register_event_type(
    p_event_type text,
    p_category text,
    p_description text,
    p_data_schema jsonb DEFAULT '{"type": "object"}'::jsonb
)
    RETURNS SETOF event_store.event_types
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    -- every shard registers it (each commits on its own); all return the same row
    RETURN QUERY SELECT DISTINCT ON (t.event_type) t.*
                   FROM event_store_remote.register_event_type(p_event_type, p_category, p_description, p_data_schema) t;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.register_event_type IS
    'Admin: add an event type without DDL and return its row. p_event_type and p_category: lower-case names; p_data_schema: JSON Schema subset (type object, required, properties with type/enum/minimum/maximum). Registering an identical definition again is a no-op. Errors: ES006 invalid argument or a different definition under an existing name.';

REVOKE ALL ON FUNCTION event_store.register_event_type FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.register_event_type TO event_store_admin;

COMMIT;
