-- Deploy supervisor_event_store:functions/_check_event_types to pg
-- requires: functions/_closest_event_types

BEGIN;

/*
 * Raises unless every element of p_event_types is a registered type: ES006 for an empty list or
 * a NULL element, ES001 naming the first unknown type (the hint names the closest ones), so a
 * typo in a read filter never looks like "no events". ES006, before anything else is computed,
 * for a multi-dimensional list (array_position would raise 0A000) and for a name over 63
 * characters (no registered type can be longer; the hint's edit distance is not computed).
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
    IF array_ndims(p_event_types) > 1 THEN
        RAISE EXCEPTION 'event_types must be a one-dimensional list, got % dimensions', array_ndims(p_event_types)
            USING ERRCODE = 'ES006', HINT = 'Pass NULL for all types, or e.g. ARRAY[''test_failed'', ''epic_started''].';
    END IF;
    IF cardinality(p_event_types) = 0 OR array_position(p_event_types, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'event_types must be a non-empty list without nulls, got %', p_event_types
            USING ERRCODE = 'ES006', HINT = 'Pass NULL for all types, or e.g. ARRAY[''test_failed''].';
    END IF;
    -- Before any lookup or hint: a name no type can have is refused at once (bounded work).
    SELECT t INTO v_unknown FROM unnest(p_event_types) t WHERE length(t) > 63 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'event_type "%..." is % characters long, over the limit of 63', left(v_unknown, 40), length(v_unknown)
            USING ERRCODE = 'ES006', HINT = 'Event type names have 1-63 characters; list them with event_store.list_event_types().';
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
    'Internal: raises ES006 for an empty or multi-dimensional list, a NULL element or a name over 63 characters, and ES001 (hint: closest types) for the '
    'first unregistered type in a filter list.';

REVOKE ALL ON FUNCTION event_store._check_event_types(text[]) FROM PUBLIC;

COMMIT;
