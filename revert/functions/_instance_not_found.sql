-- Revert supervisor_event_store:functions/_instance_not_found from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from functions/emit_event at @v0.3.0).

BEGIN;

/* Raises ES002 for an instance id that is not registered. */
CREATE OR REPLACE FUNCTION event_store._instance_not_found(
    p_instance_id text
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'instance "%" not found', p_instance_id
        USING ERRCODE = 'ES002',
              HINT = 'Register it first with event_store.register_instance(instance_id, instance_type, project).';
END
$$;

COMMENT ON FUNCTION event_store._instance_not_found(text) IS 'Internal: raises ES002 for an unknown instance.';

REVOKE ALL ON FUNCTION event_store._instance_not_found(text) FROM PUBLIC;

COMMIT;
