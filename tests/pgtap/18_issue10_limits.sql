-- Issue 10, single-session defects: pathological input refused at the door (type names, JSON
-- depth and numbers, schema size, argument sizes), lifecycle events only from their functions,
-- fold_state for readers, the delete hatch only through delete_events_for_instance, extensions
-- out of event_store.
BEGIN;
SELECT plan(46);

SELECT event_store.register_instance('lim-PS-1', 'PS', 'odin');

CREATE FUNCTION pg_temp.nested(p_levels int) RETURNS jsonb LANGUAGE sql AS $$
    -- an object whose "x" chain makes p_levels levels in all (the top-level object is level 1)
    SELECT (repeat('{"x": ', p_levels - 1) || '{}' || repeat('}', p_levels - 1))::jsonb
$$;
CREATE FUNCTION pg_temp.ms_of(p_sql text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE v_t timestamptz := clock_timestamp();
BEGIN
    BEGIN EXECUTE p_sql; EXCEPTION WHEN OTHERS THEN NULL; END;
    RETURN extract(epoch FROM clock_timestamp() - v_t) * 1000;
END
$$;

-- 2. Type names over 63 characters: refused at once (ES006), everywhere a type name enters.
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', repeat('a', 10000), '{}')$$,
                 'ES006', 'event_type "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..." is 10000 characters long, over the limit of 63',
                 'emit_event: a 10,000-character type is ES006 naming the limit');
SELECT throws_ok($$SELECT event_store.emit_events('lim-PS-1', jsonb_build_array(jsonb_build_object('event_type', repeat('a', 5000), 'event_data', '{}'::jsonb)))$$,
                 'ES006', NULL, 'emit_events: a long type is ES006');
SELECT throws_ok($$SELECT * FROM event_store.query_events(p_event_types => ARRAY[repeat('a', 2000)])$$,
                 'ES006', NULL, 'query_events: a long type filter is ES006');
SELECT throws_ok($$SELECT event_store.count_events(p_event_types => ARRAY[repeat('a', 4000)])$$,
                 'ES006', NULL, 'count_events: a long type filter is ES006');
SELECT throws_ok($$SELECT * FROM event_store.register_event_type(repeat('a', 64), 'misc', 'd')$$,
                 'ES006', NULL, 'register_event_type: a 64-character name is ES006');
SELECT ok(pg_temp.ms_of($$SELECT * FROM event_store.query_events(p_event_types => ARRAY[repeat('a', 4000)])$$)
          + pg_temp.ms_of($$SELECT event_store.emit_event('lim-PS-1', repeat('a', 10000), '{}')$$) < 200,
          'refusing long names takes milliseconds, not seconds (was 74 s / > 20 s)');
SELECT ok(pg_temp.ms_of($$SELECT event_store.emit_event('lim-PS-1', repeat('q', 63), '{}')$$) < 500,
          'a 63-character unknown name gets its hint quickly (bounded edit distance)');
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'epic_strated', '{}')$$,
                 'ES001', 'unknown event_type "epic_strated"', 'a short typo is still ES001 with a hint');

-- 4. JSON nested deeper than 32 levels, numbers over 64 characters.
SELECT lives_ok($$SELECT event_store.emit_event('lim-PS-1', 'feature_requested',
                      jsonb_build_object('feature_name', 'f') || jsonb_build_object('deep', pg_temp.nested(31)))$$,
                'event_data of exactly 32 levels is accepted');
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'feature_requested',
                       jsonb_build_object('feature_name', 'f') || jsonb_build_object('deep', pg_temp.nested(32)))$$,
                 'ES003', 'event_data for "feature_requested" is nested deeper than the limit of 32 levels',
                 'event_data of 33 levels is ES003 naming the limit');
SELECT throws_ok(format($$SELECT event_store.emit_event('lim-PS-1', 'feature_requested', %L)$$,
                        '{"feature_name": "f", "x": ' || repeat('[', 1500) || repeat(']', 1500) || '}'),
                 'ES003', NULL, '1,500 levels of arrays are ES003');
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'pr_created', '{"pr_number": 1e100000, "title": "t"}')$$,
                 'ES003', NULL, 'an integer of 100,001 digits is ES003');
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'feature_requested', '{"feature_name": "f", "n": 1e65}')$$,
                 'ES003', 'event_data for "feature_requested" has a number of 66 characters, over the limit of 64: 10000000000000000000...',
                 'a 66-character number is ES003 naming the limit');
SELECT lives_ok(format($$SELECT event_store.emit_event('lim-PS-1', 'feature_requested', '{"feature_name": "f", "n": %s, "m": 0.%s}')$$,
                       repeat('9', 64), repeat('0', 61) || '1'),
                'numbers of exactly 64 characters pass (the precise check behind the fast one)');
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'feature_requested', '{"feature_name": "f"}', pg_temp.nested(33))$$,
                 'ES006', 'metadata is nested deeper than the limit of 32 levels', 'metadata of 33 levels is ES006');
SELECT throws_ok($$SELECT event_store.emit_events('lim-PS-1', jsonb_build_array(jsonb_build_object(
                       'event_type', 'feature_requested', 'event_data', '{"feature_name": "f"}'::jsonb, 'metadata', '{"n": 1e100}'::jsonb)))$$,
                 'ES006', 'event #1: metadata has a number of 101 characters, over the limit of 64: 10000000000000000000...',
                 'emit_events: metadata with a long number is ES006 naming the event');
SELECT throws_ok($$SELECT event_store.emit_events('lim-PS-1', jsonb_build_array(jsonb_build_object(
                       'event_type', 'feature_requested', 'event_data', jsonb_build_object('feature_name', 'f', 'd', pg_temp.nested(40)))))$$,
                 'ES003', NULL, 'emit_events: deep event_data is ES003');
SELECT throws_ok(format($$SELECT event_store.register_instance('lim-PS-2', 'PS', 'odin', %L)$$,
                        '{"x": ' || repeat('[', 10000) || repeat(']', 10000) || '}'),
                 'ES006', 'metadata is nested deeper than the limit of 32 levels', 'instance metadata 10,000 deep is ES006');
SELECT lives_ok($$SELECT event_store.register_instance('lim-PS-2', 'PS', 'odin', pg_temp.nested(32))$$,
                'instance metadata of 32 levels is accepted (its instance_registered event too)');
SELECT throws_ok($$SELECT event_store.register_event_type('bounded_thing', 'misc', 'd',
                       '{"type": "object", "properties": {"n": {"type": "integer", "maximum": 1e100000}}}')$$,
                 'ES006', NULL, 'a schema bound of 1e100000 is ES006');
SELECT is((SELECT count(*)::int FROM event_store.events WHERE instance_id = 'lim-PS-1'), 3,
          'nothing refused was written (registered, two accepted events, and nothing else)');

-- 5. Lifecycle events come only from their functions.
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'instance_registered', '{"instance_type": "MS", "project": ""}')$$,
                 'ES006', 'event_type "instance_registered" is written only by register_instance',
                 'emit_event refuses instance_registered');
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'instance_heartbeat', '{}')$$,
                 'ES006', 'event_type "instance_heartbeat" is written only by heartbeat', 'emit_event refuses instance_heartbeat');
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'instance_stale', '{"last_heartbeat_at": "x", "timeout_seconds": 1}')$$,
                 'ES006', 'event_type "instance_stale" is written only by mark_stale_instances', 'emit_event refuses instance_stale');
SELECT throws_ok($$SELECT event_store.emit_events('lim-PS-1', '[{"event_type": "epic_started", "event_data": {"epic_id": "E"}},
                                                              {"event_type": "instance_stale", "event_data": {}}]')$$,
                 'ES006', 'event #2: event_type "instance_stale" is written only by mark_stale_instances',
                 'emit_events refuses them, naming the event');
SELECT throws_ok($$SELECT set_config('event_store.lifecycle_key', 'guess', true);
                   SELECT event_store.emit_event('lim-PS-1', 'instance_heartbeat', '{}')$$,
                 'ES006', NULL, 'a guessed lifecycle key does not help');
SELECT lives_ok($$SELECT event_store.heartbeat('lim-PS-1', 10)$$, 'heartbeat still writes instance_heartbeat');
SELECT is(current_setting('event_store.lifecycle_key', true), '', 'and clears the key after its emit');
SELECT throws_ok($$SELECT event_store.emit_event('lim-PS-1', 'instance_heartbeat', '{}')$$,
                 'ES006', NULL, 'emit_event after a heartbeat in the same transaction is still refused');
UPDATE event_store.instances SET last_heartbeat_at = now() - interval '1 day' WHERE instance_id = 'lim-PS-2';
SELECT results_eq($$SELECT instance_id::text FROM event_store.mark_stale_instances('1 hour') WHERE instance_id = 'lim-PS-2'$$,
                  $$VALUES ('lim-PS-2')$$, 'mark_stale_instances still writes instance_stale');
SELECT is((SELECT array_agg(event_type ORDER BY sequence_num) FROM event_store.events WHERE instance_id = 'lim-PS-2'),
          ARRAY['instance_registered', 'instance_stale'], 'register_instance and mark_stale_instances wrote theirs');

-- 7. Schema size limits, refused at once; the largest allowed schema still validates.
SELECT throws_ok(format($$SELECT event_store.register_event_type('wide_thing', 'misc', 'd', %L)$$,
                        jsonb_build_object('type', 'object', 'properties',
                            (SELECT jsonb_object_agg('f' || i, '{"type": "string"}'::jsonb) FROM generate_series(1, 5000) i))),
                 'ES006', 'data_schema has 5000 properties, over the limit of 200', '5,000 properties are ES006');
SELECT ok(pg_temp.ms_of(format($$SELECT event_store.register_event_type('wider_thing', 'misc', 'd', %L)$$,
                        jsonb_build_object('type', 'object', 'properties',
                            (SELECT jsonb_object_agg('f' || i, '{"type": "string"}'::jsonb) FROM generate_series(1, 40000) i)))) < 1000,
          '40,000 properties are refused in under a second (was 135 s)');
SELECT throws_ok(format($$SELECT event_store.register_event_type('enum_thing', 'misc', 'd', %L)$$,
                        jsonb_build_object('type', 'object', 'properties', jsonb_build_object('e', jsonb_build_object('enum',
                            (SELECT jsonb_agg(i) FROM generate_series(1, 201) i))))),
                 'ES006', 'data_schema property "e" has an enum of 201 values, over the limit of 200', 'an enum of 201 values is ES006');
SELECT lives_ok(format($$SELECT event_store.register_event_type('max_thing', 'misc', 'The largest schema allowed.', %L)$$,
                        jsonb_build_object('type', 'object',
                            'required', (SELECT jsonb_agg('f' || i) FROM generate_series(1, 200) i),
                            'properties', (SELECT jsonb_object_agg('f' || i, jsonb_build_object('type', 'integer', 'minimum', 0, 'maximum', 1000,
                                                'enum', (SELECT jsonb_agg(j) FROM generate_series(1, 10) j))) FROM generate_series(1, 200) i))),
                'a schema with 200 required integer properties with bounds and enums registers');
SELECT lives_ok(format($$SELECT event_store.emit_event('lim-PS-1', 'max_thing', %L)$$,
                       (SELECT jsonb_object_agg('f' || i, 5) FROM generate_series(1, 200) i)),
                'and an event of that type is accepted (no 54001)');
SELECT throws_ok(format($$SELECT event_store.emit_event('lim-PS-1', 'max_thing', %L)$$,
                        (SELECT jsonb_object_agg('f' || i, CASE WHEN i = 200 THEN 11 ELSE 5 END) FROM generate_series(1, 200) i)),
                 'ES003', NULL, 'and a bad one is ES003');

-- 8. fold_state works for readers.
CREATE TEMP TABLE lim_rows AS SELECT e FROM event_store.events e WHERE e.instance_id = 'lim-PS-1';
GRANT SELECT ON lim_rows TO event_store_reader;
SET LOCAL ROLE event_store_reader;
SELECT is((SELECT event_store.fold_state(r.e ORDER BY (r.e).sequence_num) ->> 'total_events_replayed' FROM lim_rows r),
          (SELECT count(*)::text FROM lim_rows), 'a reader can call fold_state (was 42501 on _fold_initial)');
RESET ROLE;

-- 9. Our codes, not generic ones.
SELECT throws_ok($$SELECT * FROM event_store.query_events(p_event_types => ARRAY[['epic_started'], ['test_failed']])$$,
                 'ES006', 'event_types must be a one-dimensional list, got 2 dimensions', 'a 2-D type list is ES006 (was 0A000)');
SELECT throws_ok($$SELECT event_store.register_instance('lim-PS-3', 'PS', repeat('p', 2000000))$$,
                 'ES006', 'project is 2000000 characters long, over the limit of 200', 'a 2 MB project is ES006 naming the argument');

-- 11. The escape hatch only through delete_events_for_instance; extensions out of event_store.
SELECT set_config('event_store.delete_instance', 'lim-PS-1', true);
SELECT throws_ok($$DELETE FROM event_store.events WHERE instance_id = 'lim-PS-1'$$,
                 'ES005', NULL, 'the owner''s SET + DELETE is refused (was: rows gone, head kept)');
SELECT throws_ok($$UPDATE event_store.instances SET last_sequence_num = 0 WHERE instance_id = 'lim-PS-1';
                   DELETE FROM event_store.events WHERE instance_id = 'lim-PS-1'$$,
                 'ES005', NULL, 'even with the head reset by hand: only inside delete_events_for_instance');
SELECT set_config('event_store.delete_instance', '', true);
SELECT ok(event_store.delete_events_for_instance('lim-PS-1') > 0, 'delete_events_for_instance still works');
SELECT is((SELECT sequence_num FROM event_store.emit_event('lim-PS-1', 'epic_started', '{"epic_id": "E"}')), 1::bigint,
          'and the next emit gets sequence 1');
SELECT is((SELECT array_agg(x.extname::text ORDER BY x.extname) FROM pg_catalog.pg_extension x
            WHERE x.extnamespace = 'event_store'::regnamespace), NULL, 'no extension lives in event_store');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
                   WHERE p.pronamespace = 'event_store_ext'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE')$$,
                'PUBLIC can execute no function of the extensions (set_limit, similarity...)');

SELECT * FROM finish();
ROLLBACK;
