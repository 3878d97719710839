-- Deploy supervisor_event_store:functions/_check_metadata to pg
-- requires: functions/_check_json_limits

BEGIN;

/*
 * The metadata rule, written once (emit_event, emit_events per event, register_instance): NULL or
 * a JSON object of at most 1 MiB, nested at most 32 levels, numbers of at most 64 characters.
 * Raises ES006 naming what is wrong (p_where prefixes the message: 'event #3: ' in a batch);
 * returns true otherwise. Callers run it only when their cheap inline test says it may fail.
 */
CREATE OR REPLACE FUNCTION event_store._check_metadata(
    p_metadata jsonb,
    p_where    text DEFAULT ''
)
    RETURNS boolean
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF p_metadata IS NULL THEN
        RETURN true;
    END IF;
    IF jsonb_typeof(p_metadata) <> 'object' THEN
        RAISE EXCEPTION '%metadata must be a JSON object, got %', p_where, jsonb_typeof(p_metadata)
            USING ERRCODE = 'ES006', HINT = 'Pass an object such as {"source": "cli"}, or leave it out.';
    END IF;
    IF pg_column_size(p_metadata) > 1048576 THEN
        RAISE EXCEPTION '%metadata is % bytes, over the 1 MiB cap', p_where, pg_column_size(p_metadata)
            USING ERRCODE = 'ES006', HINT = 'Keep metadata small; store large payloads elsewhere.';
    END IF;
    RETURN event_store._check_json_limits(p_metadata, p_where || 'metadata', 'ES006');
END
$$;

COMMENT ON FUNCTION event_store._check_metadata(jsonb, text) IS
    'Internal: raises ES006 unless metadata is NULL or a JSON object within the limits (1 MiB, 32 levels, '
    'numbers of 64 characters); true otherwise.';

REVOKE ALL ON FUNCTION event_store._check_metadata(jsonb, text) FROM PUBLIC;

COMMIT;
