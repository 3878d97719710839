-- Deploy supervisor_event_store_proxy:functions/list_event_types to pg
-- requires: remote/list_event_types
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * event_store.list_event_types of the shards, on every shard, merged.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.list_event_types(
    p_category text DEFAULT NULL::text
)
    RETURNS TABLE(event_type text, category text, description text, data_schema jsonb)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    -- one row per type: a type that only some shards have yet (a registration cut short) shows too
    RETURN QUERY SELECT DISTINCT ON (t.category, t.event_type) t.*
                   FROM event_store_remote.list_event_types(p_category) t
                  ORDER BY t.category, t.event_type;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.list_event_types IS
    'Registered event types as (event_type, category, description, data_schema), all or one p_category, by category and type. Errors: ES006 unknown category.';

REVOKE ALL ON FUNCTION event_store.list_event_types FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.list_event_types TO event_store_reader;

COMMIT;
