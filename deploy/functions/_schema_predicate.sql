-- Deploy supervisor_event_store:functions/_schema_predicate to pg
-- requires: schemas/event_store

-- Moved here from tables/event_types (issue 14: one function, one change). Its first definition stays in
-- tables/event_types's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * Compiles a data_schema into one jsonpath predicate that is true when event data certainly
 * satisfies the schema: an object; every required field present and not null; every present,
 * non-null property of its declared type, inside its enum and bounds; epic_id a string. emit_event
 * evaluates it with @@ (C code, no PL/pgSQL loop) on the hot path; when it is not true,
 * _validate_event runs and raises the precise error. It may be stricter than _validate_event
 * (then the slow path accepts), never more lenient.
 */
CREATE OR REPLACE FUNCTION event_store._schema_predicate(
    p_schema jsonb
)
    RETURNS jsonpath
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_terms text[] := ARRAY['$.type() == "object"'];
    v_field text;
    v_spec  jsonb;
    v_path  text;
    v_type  text;
    v_enum  text;
BEGIN
    FOR v_field IN SELECT jsonb_array_elements_text(coalesce(p_schema -> 'required', '[]')) LOOP
        v_terms := v_terms || format('$.%s.type() != "null"', to_json(v_field));
    END LOOP;
    FOR v_field, v_spec IN
        SELECT key, value FROM jsonb_each(coalesce(p_schema -> 'properties', '{}'))
        UNION ALL
        SELECT 'epic_id', '{"type": "string"}' WHERE NOT coalesce(p_schema -> 'properties', '{}') ? 'epic_id'
    LOOP
        v_path := '$.' || to_json(v_field)::text;
        v_type := v_spec ->> 'type';
        IF v_type = 'integer' THEN
            v_terms := v_terms || format('!(%1$s.type() != "number" && %1$s.type() != "null")', v_path)
                               || format('!(%1$s.type() == "number" && %1$s.floor() != %1$s)', v_path);
        ELSIF v_type IS NOT NULL THEN
            v_terms := v_terms || format('!(%1$s.type() != %2$s && %1$s.type() != "null")', v_path, to_json(v_type));
        END IF;
        IF v_spec ? 'enum' THEN
            SELECT string_agg(format('%s == %s', v_path, e), ' || ') INTO v_enum
              FROM jsonb_array_elements(v_spec -> 'enum') e
             WHERE jsonb_typeof(e) IN ('string', 'number', 'boolean');
            v_terms := v_terms || format('!(%1$s.type() != "null" && (%1$s.type() == "array" || %1$s.type() == "object" || !(%2$s)))',
                                         v_path, coalesce(v_enum, '1 == 0'));  -- no scalar to compare: never true
        END IF;
        IF jsonb_typeof(v_spec -> 'minimum') = 'number' THEN
            v_terms := v_terms || format('!(%1$s.type() == "number" && %1$s < %2$s)', v_path, v_spec -> 'minimum');
        END IF;
        IF jsonb_typeof(v_spec -> 'maximum') = 'number' THEN
            v_terms := v_terms || format('!(%1$s.type() == "number" && %1$s > %2$s)', v_path, v_spec -> 'maximum');
        END IF;
    END LOOP;
    RETURN array_to_string(v_terms, ' && ')::jsonpath;
END
$$;

COMMENT ON FUNCTION event_store._schema_predicate(jsonb) IS
    'Internal: a data_schema compiled to one jsonpath predicate (data @@ predicate) for the fast path of '
    'validation; never more lenient than _validate_event.';

REVOKE ALL ON FUNCTION event_store._schema_predicate(jsonb) FROM PUBLIC;

COMMIT;
