-- Deploy supervisor_event_store:functions/_edit_distance to pg
-- requires: schemas/event_store

-- Moved here from functions/_closest_event_types (issue 14: one function, one change). Its first definition stays in
-- functions/_closest_event_types's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/* Levenshtein distance between two short strings (insert, delete, substitute cost 1). */
CREATE OR REPLACE FUNCTION event_store._edit_distance(
    p_a text,
    p_b text
)
    RETURNS int
    LANGUAGE plpgsql
    IMMUTABLE
    STRICT
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_prev int[];
    v_curr int[];
    v_la   int := length(p_a);
    v_lb   int := length(p_b);
BEGIN
    IF v_la = 0 THEN RETURN v_lb; END IF;
    IF v_lb = 0 THEN RETURN v_la; END IF;
    v_prev := ARRAY(SELECT generate_series(0, v_lb));
    FOR i IN 1 .. v_la LOOP
        v_curr := ARRAY[i];
        FOR j IN 1 .. v_lb LOOP
            v_curr := v_curr || least(
                v_prev[j + 1] + 1,
                v_curr[j] + 1,
                v_prev[j] + CASE WHEN substr(p_a, i, 1) = substr(p_b, j, 1) THEN 0 ELSE 1 END);
        END LOOP;
        v_prev := v_curr;
    END LOOP;
    RETURN v_prev[v_lb + 1];
END
$$;

COMMENT ON FUNCTION event_store._edit_distance(text, text) IS
    'Internal: Levenshtein edit distance between two strings.';

REVOKE ALL ON FUNCTION event_store._edit_distance(text, text) FROM PUBLIC;

COMMIT;
