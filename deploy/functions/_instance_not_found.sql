-- Deploy supervisor_event_store:functions/_instance_not_found to pg
-- requires: schemas/event_store

-- Moved here from functions/emit_event (issue 14: one function, one change). Its first definition stays in
-- functions/emit_event's tagged script, as deployed then; this change's revert restores the body it had.

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
