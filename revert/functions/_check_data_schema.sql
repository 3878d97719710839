-- Revert supervisor_event_store:functions/_check_data_schema from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from functions/register_event_type at @v0.3.0).

BEGIN;

/*
 * Raises ES006 unless p_schema is in the supported JSON Schema subset: {"type": "object",
 * "required": [names], "properties": {name: {"type": string|integer|number|boolean|array|object,
 * "enum": [...], "minimum": n, "maximum": n}}}. Other keywords are allowed and ignored.
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
