-- The seeded types accept valid data and refuse missing fields; register_event_type adds types.
BEGIN;
SELECT plan(14);

SELECT event_store.register_instance('types-PS-1', 'PS', 'odin');

-- A minimal valid payload for each type, built from its own schema.
CREATE FUNCTION pg_temp.sample(p_schema jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT coalesce(jsonb_object_agg(r, CASE WHEN p_schema #> ARRAY['properties', r, 'enum'] IS NOT NULL
                                             THEN p_schema #> ARRAY['properties', r, 'enum', '0']
                                             WHEN p_schema #>> ARRAY['properties', r, 'type'] IN ('integer', 'number') THEN '1'::jsonb
                                             ELSE to_jsonb('x'::text) END), '{}')
      FROM jsonb_array_elements_text(p_schema -> 'required') r
$$;
CREATE FUNCTION pg_temp.sqlstate_of(p_type text, p_data jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM event_store.emit_event('types-PS-1', p_type, p_data);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;

SELECT is_empty($$SELECT event_type FROM event_store.event_types
                   WHERE pg_temp.sqlstate_of(event_type, pg_temp.sample(data_schema)) <> 'ok'$$,
                'every type accepts a payload with just its required fields');
SELECT is_empty($$SELECT event_type FROM event_store.event_types
                   WHERE jsonb_array_length(data_schema -> 'required') > 0
                     AND pg_temp.sqlstate_of(event_type, '{}') <> 'ES003'$$,
                'every type with required fields refuses {} with ES003');
SELECT is((SELECT count(DISTINCT event_type)::int FROM event_store.events WHERE instance_id = 'types-PS-1'), 23,
          'all 23 types were emitted');

-- register_event_type
SELECT has_function('event_store', 'register_event_type', ARRAY['text', 'text', 'text', 'jsonb']);
SELECT is_definer('event_store', 'register_event_type', ARRAY['text', 'text', 'text', 'jsonb']);
SELECT results_eq($$SELECT event_type, category FROM event_store.register_event_type('review_requested', 'git',
                        'A code review was requested.',
                        '{"type": "object", "required": ["pr_number"], "properties": {"pr_number": {"type": "integer"}}}')$$,
                  $$VALUES ('review_requested', 'git')$$, 'an admin adds a type without DDL');
SELECT lives_ok($$SELECT event_store.emit_event('types-PS-1', 'review_requested', '{"pr_number": 5}')$$, 'the new type can be emitted');
SELECT throws_ok($$SELECT event_store.emit_event('types-PS-1', 'review_requested', '{}')$$,
                 'ES003', 'invalid event_data for "review_requested": missing required field "pr_number"', 'and its schema is enforced');
SELECT lives_ok($$SELECT event_store.register_event_type('review_requested', 'git', 'A code review was requested.',
                        '{"type": "object", "required": ["pr_number"], "properties": {"pr_number": {"type": "integer"}}}')$$,
                'registering the identical definition again is a no-op');
SELECT throws_ok($$SELECT event_store.register_event_type('review_requested', 'git', 'Changed.')$$,
                 'ES006', 'event type "review_requested" already exists with a different definition', 'redefining a type is ES006');
SELECT throws_ok($$SELECT event_store.register_event_type('Bad Name', 'git', 'x')$$, 'ES006', NULL, 'a malformed type name is ES006');
SELECT throws_ok($$SELECT event_store.register_event_type('odd_type', 'git', 'x', '{"type": "array"}')$$,
                 'ES006', 'data_schema type must be "object", got "array"', 'a non-object schema is ES006');
SELECT throws_ok($$SELECT event_store.register_event_type('odd_type', 'git', 'x', '{"properties": {"n": {"type": "int"}}}')$$,
                 'ES006', 'data_schema property "n" has unsupported type "int"', 'an unsupported property type is ES006');
SELECT throws_ok($$SELECT event_store.register_event_type('odd_type', 'git', 'x', '{"required": "n"}')$$,
                 'ES006', 'data_schema required must be an array of field names', 'required must be an array');

SELECT * FROM finish();
ROLLBACK;
