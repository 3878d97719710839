-- Deploy supervisor_event_store:functions/_check_emit_arguments to pg
-- requires: functions/_check_instance_id
-- requires: functions/_check_json_limits
-- requires: functions/_check_metadata

-- Moved here from functions/emit_event (issue 14: one function, one change). Its first definition stays in
-- functions/emit_event's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * Raises ES006 for a bad instance id, metadata that is not a JSON object of at most 1 MiB (nested
 * at most 32 levels, numbers of at most 64 characters: _check_json_limits), or a negative
 * expected sequence. emit_event calls it only when a cheap test says it might fail.
 */
CREATE OR REPLACE FUNCTION event_store._check_emit_arguments(
    p_instance_id       text,
    p_metadata          jsonb,
    p_expected_sequence bigint
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    PERFORM event_store._check_metadata(p_metadata);
    IF p_expected_sequence < 0 THEN
        RAISE EXCEPTION 'expected_sequence must be 0 or more, got %', p_expected_sequence
            USING ERRCODE = 'ES006', HINT = 'Use 0 for "no events yet", or the last sequence_num you read.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_emit_arguments(text, jsonb, bigint) IS
    'Internal: raises ES006 for a bad instance id, non-object or oversized metadata (1 MiB, 32 levels, '
    'numbers of 64 characters), or a negative expected sequence.';

REVOKE ALL ON FUNCTION event_store._check_emit_arguments(text, jsonb, bigint) FROM PUBLIC;

COMMIT;
