-- The seeded types accept valid data and refuse missing fields; register_event_type adds types.
BEGIN;
SELECT plan(19);
-- The owner may write lifecycle events directly when it sets the lifecycle key (as register_instance,
-- heartbeat and mark_stale_instances do); these tests fold and validate every type that way.
SELECT set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);

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

-- The compiled validator (event_types.validator, the hot path) must never accept what
-- _validate_event refuses. Random payloads over every type's fields and awkward values.
CREATE FUNCTION pg_temp.slow_ok(p_type text, p_data jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM event_store._validate_event(p_type, p_data);
    RETURN true;
EXCEPTION WHEN OTHERS THEN
    RETURN false;
END
$$;
SELECT setseed(0.42);
CREATE TEMP TABLE samples AS
    WITH pool (v) AS (SELECT unnest(ARRAY['"x"', '1', '1.5', '-1', '101', 'true', 'null', '[1]', '{"a": 1}', '"PS"',
                                          '0', '100', '"MS"', '2.0', '[]', '""'])::jsonb),
         fields AS (SELECT et.event_type, array_agg(DISTINCT f) AS fs
                      FROM event_store.event_types et,
                           LATERAL (SELECT jsonb_object_keys(et.data_schema -> 'properties') UNION SELECT 'epic_id') k (f)
                     GROUP BY 1)
    SELECT f.event_type, n,
           (SELECT coalesce(jsonb_object_agg(x.f, (SELECT v FROM pool ORDER BY random() + length(x.f) * 0 + n * 0 LIMIT 1)), '{}')
              FROM unnest(f.fs) x (f) WHERE random() < 0.85) AS data
      FROM fields f, generate_series(1, 150) n;
SELECT is_empty($$SELECT s.event_type, s.data FROM samples s JOIN event_store.event_types et USING (event_type)
                   WHERE s.data @@ et.validator AND NOT pg_temp.slow_ok(s.event_type, s.data)$$,
                'the compiled validator never accepts data that _validate_event refuses (random payloads)');
SELECT ok((SELECT count(*) FILTER (WHERE pg_temp.slow_ok(s.event_type, s.data)) > 50 FROM samples s),
          'the random payloads include enough valid ones to mean something');
SELECT is_empty($$SELECT s.event_type, s.data FROM samples s JOIN event_store.event_types et USING (event_type)
                   WHERE NOT coalesce(s.data @@ et.validator, false) AND pg_temp.slow_ok(s.event_type, s.data)$$,
                'and for the seeded schemas it accepts everything _validate_event accepts (the fast path is taken)');

-- A schema the validator can only approximate (an enum of objects): the fast path says no, the
-- precise check says yes, and the emit still succeeds.
SELECT event_store.register_event_type('layout_chosen', 'planning', 'A layout was chosen.',
    '{"type": "object", "properties": {"layout": {"enum": [{"columns": 2}]}}}');
SELECT throws_ok($$SELECT event_store.emit_event('types-PS-1', 'layout_chosen', '{"layout": {"columns": 2, "rows": 1}}')$$,
                 'ES003', NULL, 'an enum member must be equal, not merely contain a member');
SELECT is((SELECT sequence_num FROM event_store.emit_event('types-PS-1', 'layout_chosen', '{"layout": {"columns": 2}}'))
              - (SELECT max(sequence_num) FROM event_store.events WHERE instance_id = 'types-PS-1' AND event_type <> 'layout_chosen'),
          1::bigint, 'data the compiled validator cannot judge is appended after the precise check');

SELECT * FROM finish();
ROLLBACK;
