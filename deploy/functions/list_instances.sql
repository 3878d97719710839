-- Deploy supervisor_event_store:functions/list_instances to pg
-- requires: tables/instances
-- requires: roles/event_store_reader

BEGIN;

/* The instance registry, optionally only one status, most recent heartbeat first. */
CREATE OR REPLACE FUNCTION event_store.list_instances(
    p_status text DEFAULT NULL
)
    RETURNS SETOF event_store.instances
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF p_status NOT IN ('active', 'stale') THEN
        RAISE EXCEPTION 'invalid status "%": must be active or stale', p_status
            USING ERRCODE = 'ES006', HINT = 'Pass ''active'', ''stale'', or NULL for all instances.';
    END IF;
    RETURN QUERY
    SELECT *
      FROM event_store.instances i
     WHERE p_status IS NULL OR i.status = p_status
     ORDER BY i.last_heartbeat_at DESC, i.instance_id;
END
$$;

COMMENT ON FUNCTION event_store.list_instances(text) IS
    'List registered instances (all, or only p_status = active/stale), most recent heartbeat first; '
    'last_sequence_num is each stream''s head. Errors: ES006 invalid status.';

REVOKE ALL ON FUNCTION event_store.list_instances(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.list_instances(text) TO event_store_reader;

COMMIT;
