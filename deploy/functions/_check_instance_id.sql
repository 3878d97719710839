-- Deploy supervisor_event_store:functions/_check_instance_id to pg
-- requires: schemas/event_store
-- requires: functions/_is_instance_id

-- Moved here from functions/emit_event (issue 14: one function, one change). Its first definition stays in
-- functions/emit_event's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * Raises ES006 unless p_instance_id is a well-formed instance id. Shared by every function that
 * takes an instance id, so the message is the same everywhere.
 */
CREATE OR REPLACE FUNCTION event_store._check_instance_id(
    p_instance_id text
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF p_instance_id IS NULL THEN
        RAISE EXCEPTION 'instance_id must not be null'
            USING ERRCODE = 'ES006', HINT = 'Pass the id the instance registered with, e.g. ''odin-PS-8f4a2b''.';
    END IF;
    IF NOT event_store._is_instance_id(p_instance_id) THEN
        RAISE EXCEPTION 'invalid instance_id "%": use 1-32 characters of A-Z, a-z, 0-9, "_", "." and "-"',
                        left(p_instance_id, 64)
            USING ERRCODE = 'ES006', HINT = 'For example ''odin-PS-8f4a2b''.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_instance_id(text) IS
    'Internal: raises ES006 when an instance id is null or not 1-32 characters of [A-Za-z0-9_.-].';

REVOKE ALL ON FUNCTION event_store._check_instance_id(text) FROM PUBLIC;

COMMIT;
