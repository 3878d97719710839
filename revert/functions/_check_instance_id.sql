-- Revert supervisor_event_store:functions/_check_instance_id from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from functions/emit_event at @v0.3.0).

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
    IF p_instance_id !~ '^[A-Za-z0-9_.-]{1,32}$' THEN
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
