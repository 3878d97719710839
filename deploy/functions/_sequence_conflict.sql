-- Deploy supervisor_event_store:functions/_sequence_conflict to pg
-- requires: schemas/event_store

-- Moved here from functions/emit_event (issue 14: one function, one change). Its first definition stays in
-- functions/emit_event's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/* Raises ES004: the stream's last sequence number is not the one the caller expected. */
CREATE OR REPLACE FUNCTION event_store._sequence_conflict(
    p_instance_id text,
    p_expected    bigint,
    p_actual      bigint
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'expected sequence mismatch for instance "%": expected %, actual %',
                    p_instance_id, p_expected, p_actual
        USING ERRCODE = 'ES004',
              DETAIL = format('expected=%s actual=%s', p_expected, p_actual),
              HINT = 'Another writer appended first. Read the new events, decide again, and retry '
                     'with the current last sequence_num.';
END
$$;

COMMENT ON FUNCTION event_store._sequence_conflict(text, bigint, bigint) IS
    'Internal: raises ES004 (expected sequence mismatch) with expected and actual.';

REVOKE ALL ON FUNCTION event_store._sequence_conflict(text, bigint, bigint) FROM PUBLIC;

COMMIT;
