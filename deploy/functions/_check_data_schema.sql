-- Deploy supervisor_event_store:functions/_check_data_schema to pg
-- requires: functions/_check_json_limits

-- Moved here from functions/register_event_type (issue 14: one function, one change). Its first definition stays in
-- functions/register_event_type's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * Raises ES006 unless p_schema is in the supported JSON Schema subset: {"type": "object",
 * "required": [names], "properties": {name: {"type": string|integer|number|boolean|array|object,
 * "enum": [...], "minimum": n, "maximum": n}}}. Other keywords are allowed and ignored.
 * Size limits, checked first: 64 KiB as text, at most 200 properties, 200 required fields and
 * 200 values per enum, 32 levels of nesting, numbers of at most 64 characters. The compiled
 * validator (event_types.validator) of the largest schema within them still evaluates well
 * inside the default max_stack_depth (tests/pgtap/16_event_types.sql emits against one).
 */
CREATE OR REPLACE FUNCTION event_store._check_data_schema(
    p_schema jsonb
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_field text;
    v_spec  jsonb;
    v_hint  text := 'Example: {"type": "object", "required": ["epic_id"], '
                    '"properties": {"epic_id": {"type": "string"}, "hours": {"type": "number", "minimum": 0}}}';
BEGIN
    IF p_schema IS NULL OR jsonb_typeof(p_schema) <> 'object' THEN
        RAISE EXCEPTION 'data_schema must be a JSON object' USING ERRCODE = 'ES006', HINT = v_hint;
    END IF;
    -- Size limits first, before anything loops over the schema (issue 10: 5,000 properties broke
    -- every emit with 54001, 40,000 took 135 s to be refused).
    IF jsonb_typeof(p_schema -> 'properties') = 'object'
       AND (SELECT count(*) FROM jsonb_object_keys(p_schema -> 'properties')) > 200 THEN
        RAISE EXCEPTION 'data_schema has % properties, over the limit of 200',
                        (SELECT count(*) FROM jsonb_object_keys(p_schema -> 'properties'))
            USING ERRCODE = 'ES006', HINT = 'Declare the fields that matter; fields not listed are allowed anyway.';
    END IF;
    IF jsonb_typeof(p_schema -> 'required') = 'array' AND jsonb_array_length(p_schema -> 'required') > 200 THEN
        RAISE EXCEPTION 'data_schema has % required fields, over the limit of 200', jsonb_array_length(p_schema -> 'required')
            USING ERRCODE = 'ES006', HINT = 'Require only the fields every event of the type must carry.';
    END IF;
    IF octet_length(p_schema::text) > 65536 THEN
        RAISE EXCEPTION 'data_schema is % bytes as text, over the limit of 65536', octet_length(p_schema::text)
            USING ERRCODE = 'ES006', HINT = 'Describe the fields events must have, not every possible value.';
    END IF;
    PERFORM event_store._check_json_limits(p_schema, 'data_schema', 'ES006');
    SELECT p.key INTO v_field
      FROM jsonb_each(CASE WHEN jsonb_typeof(p_schema -> 'properties') = 'object' THEN p_schema -> 'properties' END) p
     WHERE jsonb_typeof(p.value -> 'enum') = 'array' AND jsonb_array_length(p.value -> 'enum') > 200
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'data_schema property "%" has an enum of % values, over the limit of 200',
                        v_field, jsonb_array_length(p_schema -> 'properties' -> v_field -> 'enum')
            USING ERRCODE = 'ES006', HINT = 'Use "type": "string" for open-ended values.';
    END IF;
    IF p_schema ? 'type' AND p_schema -> 'type' <> '"object"' THEN
        RAISE EXCEPTION 'data_schema type must be "object", got %', p_schema -> 'type'
            USING ERRCODE = 'ES006', HINT = v_hint;
    END IF;
    IF p_schema ? 'required' AND (jsonb_typeof(p_schema -> 'required') <> 'array'
       OR EXISTS (SELECT FROM jsonb_array_elements(p_schema -> 'required') r WHERE jsonb_typeof(r) <> 'string')) THEN
        RAISE EXCEPTION 'data_schema required must be an array of field names'
            USING ERRCODE = 'ES006', HINT = v_hint;
    END IF;
    IF p_schema ? 'properties' AND jsonb_typeof(p_schema -> 'properties') <> 'object' THEN
        RAISE EXCEPTION 'data_schema properties must be an object of {field: {type: ...}}'
            USING ERRCODE = 'ES006', HINT = v_hint;
    END IF;
    FOR v_field, v_spec IN SELECT key, value FROM jsonb_each(coalesce(p_schema -> 'properties', '{}')) LOOP
        IF jsonb_typeof(v_spec) <> 'object' THEN
            RAISE EXCEPTION 'data_schema property "%" must be an object', v_field USING ERRCODE = 'ES006', HINT = v_hint;
        END IF;
        IF v_spec ? 'type' AND coalesce(v_spec ->> 'type', '') NOT IN
           ('string', 'integer', 'number', 'boolean', 'array', 'object') THEN
            RAISE EXCEPTION 'data_schema property "%" has unsupported type %', v_field, v_spec -> 'type'
                USING ERRCODE = 'ES006',
                      HINT = 'Supported types: string, integer, number, boolean, array, object.';
        END IF;
        IF v_spec ? 'enum' AND jsonb_typeof(v_spec -> 'enum') <> 'array' THEN
            RAISE EXCEPTION 'data_schema property "%": enum must be an array', v_field
                USING ERRCODE = 'ES006', HINT = v_hint;
        END IF;
        IF (v_spec ? 'minimum' AND jsonb_typeof(v_spec -> 'minimum') <> 'number')
           OR (v_spec ? 'maximum' AND jsonb_typeof(v_spec -> 'maximum') <> 'number') THEN
            RAISE EXCEPTION 'data_schema property "%": minimum and maximum must be numbers', v_field
                USING ERRCODE = 'ES006', HINT = v_hint;
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store._check_data_schema(jsonb) IS
    'Internal: raises ES006 unless a data_schema is in the supported JSON Schema subset.';

REVOKE ALL ON FUNCTION event_store._check_data_schema(jsonb) FROM PUBLIC;

COMMIT;
