-- Deploy supervisor_event_store:functions/_validate_event to pg
-- requires: functions/_closest_event_types

BEGIN;

/*
 * Checks an event before it is appended: the type must be registered (ES001, the hint names the
 * closest types) and the data must be a JSON object of at most 1 MiB that satisfies the type's
 * data_schema (ES003, the message names the field). p_where prefixes messages, e.g. "event #3: ".
 * JSON null in an optional field counts as absent; in a required field it counts as missing.
 * Returns true (so callers can use a cheap assignment instead of PERFORM). It runs on every emit,
 * so it does not SET search_path (a GUC change per call): it is only ever called from functions
 * that pin search_path, and it names every object with its schema.
 */
CREATE OR REPLACE FUNCTION event_store._validate_event(
    p_event_type text,
    p_event_data jsonb,
    p_where      text DEFAULT ''
)
    RETURNS boolean
    LANGUAGE plpgsql
    STABLE
AS $$
DECLARE
    v_schema  jsonb;
    v_field   text;
    v_spec    jsonb;
    v_value   jsonb;
    v_type    text;
    v_actual  text;
    v_size    int;
    v_problem text;
BEGIN
    IF p_event_type IS NULL THEN
        RAISE EXCEPTION '%event_type must not be null', p_where
            USING ERRCODE = 'ES006',
                  HINT = 'Pass one of the registered types; list them with event_store.list_event_types().';
    END IF;

    SELECT et.data_schema INTO v_schema FROM event_store.event_types et WHERE et.event_type = p_event_type;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%unknown event_type "%"', p_where, p_event_type
            USING ERRCODE = 'ES001',
                  HINT = format('Did you mean %s? List all types with event_store.list_event_types().',
                                (SELECT string_agg(format('"%s"', t), ' or ')
                                   FROM unnest(event_store._closest_event_types(p_event_type)) t));
    END IF;

    IF p_event_data IS NULL THEN
        RAISE EXCEPTION '%event_data must not be null', p_where
            USING ERRCODE = 'ES006', HINT = 'Pass a JSON object, e.g. ''{}''::jsonb when the type has no required fields.';
    END IF;
    IF jsonb_typeof(p_event_data) <> 'object' THEN
        RAISE EXCEPTION '%invalid event_data for "%": expected a JSON object, got %',
                        p_where, p_event_type, jsonb_typeof(p_event_data)
            USING ERRCODE = 'ES003', HINT = 'Wrap the values in an object, e.g. {"epic_id": "E-1"}.';
    END IF;
    v_size := pg_column_size(p_event_data);
    IF v_size > 1048576 THEN
        RAISE EXCEPTION '%invalid event_data for "%": % bytes is over the 1 MiB cap', p_where, p_event_type, v_size
            USING ERRCODE = 'ES003', HINT = 'Store large payloads elsewhere and put a reference in the event.';
    END IF;

    SELECT r INTO v_field
      FROM jsonb_array_elements_text(v_schema -> 'required') r
     WHERE coalesce(jsonb_typeof(p_event_data -> r), 'null') = 'null'
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%invalid event_data for "%": missing required field "%"', p_where, p_event_type, v_field
            USING ERRCODE = 'ES003',
                  HINT = format('"%s" requires: %s.', p_event_type,
                                (SELECT string_agg(r, ', ') FROM jsonb_array_elements_text(v_schema -> 'required') r));
    END IF;

    FOR v_field, v_spec IN
        SELECT p.key, p.value FROM jsonb_each(coalesce(v_schema -> 'properties', '{}')) p
        UNION ALL
        SELECT 'epic_id', '{"type": "string"}'::jsonb   -- any event may carry an epic_id string
         WHERE NOT coalesce(v_schema -> 'properties', '{}') ? 'epic_id'
    LOOP
        v_value := p_event_data -> v_field;
        CONTINUE WHEN v_value IS NULL OR jsonb_typeof(v_value) = 'null';
        v_actual := jsonb_typeof(v_value);
        v_type := v_spec ->> 'type';
        v_problem := NULL;
        IF v_type = 'integer' THEN
            IF v_actual <> 'number' OR (v_value::numeric) <> trunc(v_value::numeric) THEN
                v_problem := format('must be an integer, got %s', v_value);
            END IF;
        ELSIF v_type IS NOT NULL AND v_actual <> v_type THEN
            v_problem := format('must be %s %s, got %s %s',
                                CASE WHEN v_type IN ('array', 'object', 'integer') THEN 'an' ELSE 'a' END,
                                v_type, v_actual, left(v_value::text, 80));
        END IF;
        IF v_problem IS NULL AND v_spec ? 'enum'
           AND NOT EXISTS (SELECT FROM jsonb_array_elements(v_spec -> 'enum') e WHERE e = v_value) THEN
            v_problem := format('must be one of %s, got %s',
                                (SELECT string_agg(e, ', ') FROM jsonb_array_elements_text(v_spec -> 'enum') e),
                                left(v_value::text, 80));
        END IF;
        IF v_problem IS NULL AND v_actual = 'number' THEN
            IF v_spec ? 'minimum' AND v_value::numeric < (v_spec ->> 'minimum')::numeric THEN
                v_problem := format('must be at least %s, got %s', v_spec ->> 'minimum', v_value);
            ELSIF v_spec ? 'maximum' AND v_value::numeric > (v_spec ->> 'maximum')::numeric THEN
                v_problem := format('must be at most %s, got %s', v_spec ->> 'maximum', v_value);
            END IF;
        END IF;
        IF v_problem IS NOT NULL THEN
            RAISE EXCEPTION '%invalid event_data for "%": field "%" %', p_where, p_event_type, v_field, v_problem
                USING ERRCODE = 'ES003',
                      HINT = format('Schema of "%s"."%s": %s', p_event_type, v_field, v_spec);
        END IF;
    END LOOP;
    RETURN true;
END
$$;

COMMENT ON FUNCTION event_store._validate_event(text, jsonb, text) IS
    'Internal: raises ES006 (null type or data), ES001 (unknown type, hint names the closest) or '
    'ES003 (data not an object, over 1 MiB, or not matching the type''s data_schema; names the field).';

REVOKE ALL ON FUNCTION event_store._validate_event(text, jsonb, text) FROM PUBLIC;

COMMIT;
