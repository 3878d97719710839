-- Revert supervisor_event_store:functions/_check_emit_arguments from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from functions/emit_event at @v0.3.0).

BEGIN;

/*
 * Raises ES006 for a bad instance id, metadata that is not a JSON object of at most 1 MiB, or a
 * negative expected sequence. emit_event calls it only when a cheap test says it might fail.
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
    IF jsonb_typeof(p_metadata) <> 'object' THEN
        RAISE EXCEPTION 'metadata must be a JSON object, got %', jsonb_typeof(p_metadata)
            USING ERRCODE = 'ES006', HINT = 'Pass an object such as {"source": "cli"}, or NULL.';
    END IF;
    IF pg_column_size(p_metadata) > 1048576 THEN
        RAISE EXCEPTION 'metadata is % bytes, over the 1 MiB cap', pg_column_size(p_metadata)
            USING ERRCODE = 'ES006', HINT = 'Keep metadata small; store large payloads elsewhere.';
    END IF;
    IF p_expected_sequence < 0 THEN
        RAISE EXCEPTION 'expected_sequence must be 0 or more, got %', p_expected_sequence
            USING ERRCODE = 'ES006', HINT = 'Use 0 for "no events yet", or the last sequence_num you read.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_emit_arguments(text, jsonb, bigint) IS
    'Internal: raises ES006 for a bad instance id, non-object or oversized metadata, or a negative '
    'expected sequence.';

REVOKE ALL ON FUNCTION event_store._check_emit_arguments(text, jsonb, bigint) FROM PUBLIC;

COMMIT;
