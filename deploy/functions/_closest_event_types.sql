-- Deploy supervisor_event_store:functions/_closest_event_types to pg
-- requires: tables/event_types
-- requires: functions/_edit_distance

BEGIN;

/*
 * The registered event types closest to p_name by edit distance (Levenshtein, computed here so
 * the store needs no extension), best first. Used for the HINT of ES001 so a typo such as
 * "epic_strated" points straight at "epic_started". Only runs on the error path.
 * Bounded work, since readers reach it (issue 10: a 2,000-character name took 19.5 s): a name over
 * 63 characters (longer than any registered name can be) gets no suggestions, and at most the 200
 * types closest in length are scored, so a call costs at most 200 x 63 x 63 steps; callers refuse
 * names over 63 characters before they get here.
 */
CREATE OR REPLACE FUNCTION event_store._closest_event_types(
    p_name  text,
    p_limit int DEFAULT 3
)
    RETURNS text[]
    LANGUAGE plpgsql
    STABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_result text[];
BEGIN
    IF length(p_name) > 63 THEN
        RETURN '{}';
    END IF;
    SELECT array_agg(t.event_type ORDER BY t.distance, t.event_type)
      INTO v_result
      FROM (SELECT c.event_type,
                   event_store._edit_distance(lower(coalesce(p_name, '')), c.event_type) AS distance
              FROM (SELECT et.event_type
                      FROM event_store.event_types et
                     ORDER BY abs(length(et.event_type) - length(coalesce(p_name, ''))), et.event_type
                     LIMIT 200) c
             ORDER BY 2, 1
             LIMIT p_limit) t;
    RETURN coalesce(v_result, '{}');
END
$$;

COMMENT ON FUNCTION event_store._closest_event_types(text, int) IS
    'Internal: up to p_limit registered event types nearest to p_name by edit distance, best first.';

REVOKE ALL ON FUNCTION event_store._closest_event_types(text, int) FROM PUBLIC;

COMMIT;
