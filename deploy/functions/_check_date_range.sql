-- Deploy supervisor_event_store:functions/_check_date_range to pg
-- requires: schemas/event_store

-- Moved here from functions/_check_event_types (issue 14: one function, one change). Its first definition stays in
-- functions/_check_event_types's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/* Raises ES006 when both dates are given and the start is after the end. */
CREATE OR REPLACE FUNCTION event_store._check_date_range(
    p_start_date timestamptz,
    p_end_date   timestamptz
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF p_start_date > p_end_date THEN
        RAISE EXCEPTION 'start_date % is after end_date %', p_start_date, p_end_date
            USING ERRCODE = 'ES006', HINT = 'Swap them; both ends are inclusive.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_date_range(timestamptz, timestamptz) IS
    'Internal: raises ES006 when p_start_date is after p_end_date.';

REVOKE ALL ON FUNCTION event_store._check_date_range(timestamptz, timestamptz) FROM PUBLIC;

COMMIT;
