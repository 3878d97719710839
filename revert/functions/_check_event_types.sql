-- Deploy supervisor_event_store:functions/_check_event_types to pg
-- requires: functions/_closest_event_types

BEGIN;

/*
 * Raises unless every element of p_event_types is a registered type: ES006 for an empty list or
 * a NULL element, ES001 naming the first unknown type (the hint names the closest ones), so a
 * typo in a read filter never looks like "no events".
 */
CREATE OR REPLACE FUNCTION event_store._check_event_types(
    p_event_types text[]
)
    RETURNS void
    LANGUAGE plpgsql
    STABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_unknown text;
BEGIN
    IF cardinality(p_event_types) = 0 OR array_position(p_event_types, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'event_types must be a non-empty list without nulls, got %', p_event_types
            USING ERRCODE = 'ES006', HINT = 'Pass NULL for all types, or e.g. ARRAY[''test_failed''].';
    END IF;
    SELECT t INTO v_unknown
      FROM unnest(p_event_types) t
     WHERE NOT EXISTS (SELECT FROM event_store.event_types et WHERE et.event_type = t)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown event_type "%"', v_unknown
            USING ERRCODE = 'ES001',
                  HINT = format('Did you mean %s? List all types with event_store.list_event_types().',
                                (SELECT string_agg(format('"%s"', c), ' or ')
                                   FROM unnest(event_store._closest_event_types(v_unknown)) c));
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_event_types(text[]) IS
    'Internal: raises ES006 for an empty list or NULL element and ES001 (hint: closest types) for the '
    'first unregistered type in a filter list.';

REVOKE ALL ON FUNCTION event_store._check_event_types(text[]) FROM PUBLIC;

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
