-- Deploy supervisor_event_store:functions/_json_within_limits to pg
-- requires: schemas/event_store

BEGIN;

/*
 * True when a JSON value is certainly within the store's limits: no object or array nested deeper
 * than 32 levels (the top-level value is level 1) and every number short (here: |n| < 1e32 with at
 * most 30 decimals, which is at most 64 characters). False means "check precisely":
 * _check_json_limits raises for a value that really breaks a limit (a number of up to 64
 * characters may still pass there). One jsonpath predicate, evaluated in C; the depth test looks
 * at level 33 only (.**{32}), so its recursion is bounded however deep the value is, and the
 * number test runs only after it (&& short-circuits). NULL is within the limits.
 * A LANGUAGE sql expression without a SET clause, so the planner inlines it into the emit
 * functions' statements (no function call on the hot path); it names nothing but built-ins.
 */
CREATE OR REPLACE FUNCTION event_store._json_within_limits(
    p_value jsonb
)
    RETURNS boolean
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
AS $$
    SELECT p_value IS NULL
        OR p_value OPERATOR(pg_catalog.@@)
           'strict !(exists($.**{32} ? (@.type() == "object" || @.type() == "array")))
                && !(exists($.** ? (@.type() == "number"
                                    && !(@ > -1e32 && @ < 1e32 && (@ * 1e30).floor() == @ * 1e30))))'::jsonpath
$$;

COMMENT ON FUNCTION event_store._json_within_limits(jsonb) IS
    'Internal: fast test that a JSON value is nested at most 32 levels deep and has only short numbers; '
    'false means check precisely with _check_json_limits.';

REVOKE ALL ON FUNCTION event_store._json_within_limits(jsonb) FROM PUBLIC;

COMMIT;
