-- Deploy supervisor_event_store:functions/_check_json_limits to pg
-- requires: functions/_json_within_limits

BEGIN;

/*
 * Raises p_errcode (ES003 for event data, ES006 for other arguments) when p_value has an object
 * or array nested deeper than 32 levels (the top-level value is level 1) or a number whose text
 * (jsonb's canonical form) is over 64 characters, e.g. 1e100000 (100,001 digits). Data the server
 * would accept but clients cannot read back (Python's json stops at ~1,000 levels and at 4,300
 * digits) is refused at the door. p_what names the value in the message, e.g. 'metadata' or
 * 'event #2: event_data for "commit_created"'. Returns true otherwise. Callers call it when
 * _json_within_limits says false. The depth is tested first, at level 33 only, so the walk over
 * every number that follows never recurses more than 32 levels.
 */
CREATE OR REPLACE FUNCTION event_store._check_json_limits(
    p_value   jsonb,
    p_what    text,
    p_errcode text
)
    RETURNS boolean
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_number text;
BEGIN
    IF p_value IS NULL OR event_store._json_within_limits(p_value) THEN
        RETURN true;
    END IF;
    IF jsonb_path_exists(p_value, 'strict $.**{32} ? (@.type() == "object" || @.type() == "array")') THEN
        RAISE EXCEPTION '% is nested deeper than the limit of 32 levels', p_what
            USING ERRCODE = p_errcode,
                  HINT = 'Flatten it: at most 32 levels of nested objects and arrays (the top level is level 1).';
    END IF;
    SELECT n::text INTO v_number
      FROM jsonb_path_query(p_value, 'strict $.** ? (@.type() == "number")') n
     WHERE length(n::text) > 64
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% has a number of % characters, over the limit of 64: %...',
                        p_what, length(v_number), left(v_number, 20)
            USING ERRCODE = p_errcode,
                  HINT = 'Numbers may have at most 64 characters (sign, digits, point); send longer ones as strings.';
    END IF;
    RETURN true;
END
$$;

COMMENT ON FUNCTION event_store._check_json_limits(jsonb, text, text) IS
    'Internal: raises p_errcode (ES003/ES006) naming p_what when a JSON value is nested deeper than 32 '
    'levels or holds a number over 64 characters; returns true otherwise.';

REVOKE ALL ON FUNCTION event_store._check_json_limits(jsonb, text, text) FROM PUBLIC;

COMMIT;
