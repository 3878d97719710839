-- emit_event: signature, sequencing, validation errors, idempotency, expected sequence.
BEGIN;
SELECT plan(44);
-- The owner may write lifecycle events directly when it sets the lifecycle key (as register_instance,
-- heartbeat and mark_stale_instances do); these tests fold and validate every type that way.
SELECT set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);

SELECT has_function('event_store', 'emit_event', ARRAY['text', 'text', 'jsonb', 'jsonb', 'uuid', 'bigint']);
SELECT function_returns('event_store', 'emit_event', ARRAY['text', 'text', 'jsonb', 'jsonb', 'uuid', 'bigint'], 'setof record');
SELECT is_definer('event_store', 'emit_event', ARRAY['text', 'text', 'jsonb', 'jsonb', 'uuid', 'bigint']);

SELECT lives_ok($$SELECT event_store.register_instance('emit-PS-1', 'PS', 'odin')$$, 'register an instance');
SELECT is((SELECT last_sequence_num FROM event_store.instances WHERE instance_id = 'emit-PS-1'), 1::bigint,
          'registering emitted instance_registered as sequence 1');

-- Sequencing
SELECT is((SELECT sequence_num FROM event_store.emit_event('emit-PS-1', 'epic_started', '{"epic_id": "E-1"}')), 2::bigint,
          'the next emit gets sequence 2');
SELECT is((SELECT sequence_num FROM event_store.emit_event('emit-PS-1', 'epic_completed', '{"epic_id": "E-1"}', '{"source": "test"}')), 3::bigint,
          'then 3');
SELECT results_eq($$SELECT sequence_num FROM event_store.events WHERE instance_id = 'emit-PS-1' ORDER BY sequence_num$$,
                  ARRAY[1, 2, 3]::bigint[], 'stored sequence numbers are 1..3');
SELECT is((SELECT metadata FROM event_store.events WHERE instance_id = 'emit-PS-1' AND sequence_num = 3),
          '{"source": "test"}'::jsonb, 'metadata is stored');
SELECT is((SELECT metadata FROM event_store.events WHERE instance_id = 'emit-PS-1' AND sequence_num = 2),
          '{}'::jsonb, 'NULL metadata is stored as {}');
SELECT ok((SELECT bool_and(created_at = updated_at AND created_at = "timestamp") FROM event_store.events
            WHERE instance_id = 'emit-PS-1'), 'timestamp, created_at and updated_at are equal');
SELECT ok((SELECT bool_and(transaction_id = pg_current_xact_id()) FROM event_store.events
            WHERE instance_id = 'emit-PS-1'), 'transaction_id is the appending transaction');
SELECT ok((SELECT array_agg(global_position ORDER BY sequence_num) = array_agg(global_position ORDER BY global_position)
             FROM event_store.events WHERE instance_id = 'emit-PS-1'), 'global_position follows append order');

-- A rolled-back emit leaves no gap.
SAVEPOINT before_rollback;
SELECT event_store.emit_event('emit-PS-1', 'test_started', '{"test_suite": "unit"}');
ROLLBACK TO SAVEPOINT before_rollback;
SELECT is((SELECT sequence_num FROM event_store.emit_event('emit-PS-1', 'test_started', '{"test_suite": "unit"}')), 4::bigint,
          'after a rolled-back emit the next sequence number has no gap');

-- Independent streams
SELECT lives_ok($$SELECT event_store.register_instance('emit-MS-2', 'MS', 'fleet')$$, 'register a second instance');
SELECT is((SELECT sequence_num FROM event_store.emit_event('emit-MS-2', 'epic_planned', '{"epic_id": "E-9"}')), 2::bigint,
          'each instance has its own sequence');

-- Validation: ES001, ES003, ES006
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'epic_strated', '{"epic_id": "E-1"}')$$,
                 'ES001', 'unknown event_type "epic_strated"', 'an unknown type is ES001');
SELECT is(event_store._closest_event_types('epic_strated', 1), ARRAY['epic_started'],
          'the hint''s first suggestion for epic_strated is epic_started');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'epic_failed', '{"epic_id": "E-1"}')$$,
                 'ES003', 'invalid event_data for "epic_failed": missing required field "reason"', 'a missing required field is ES003 naming it');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'epic_failed', '{"epic_id": "E-1", "reason": null}')$$,
                 'ES003', 'invalid event_data for "epic_failed": missing required field "reason"', 'a required field that is null counts as missing');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'pr_created', '{"pr_number": "7", "title": "t"}')$$,
                 'ES003', 'invalid event_data for "pr_created": field "pr_number" must be an integer, got "7"', 'a string for an integer is ES003');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'pr_created', '{"pr_number": 7.5, "title": "t"}')$$,
                 'ES003', 'invalid event_data for "pr_created": field "pr_number" must be an integer, got 7.5', 'a fraction for an integer is ES003');
SELECT lives_ok($$SELECT event_store.emit_event('emit-PS-1', 'pr_created', '{"pr_number": 7.0, "title": "t"}')$$,
                'an integral number such as 7.0 is an integer');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'epic_started', '{"epic_id": 12}')$$,
                 'ES003', 'invalid event_data for "epic_started": field "epic_id" must be a string, got number 12', 'a number for a string is ES003');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'test_failed', '{"test_suite": "u", "failures": "x"}')$$,
                 'ES003', 'invalid event_data for "test_failed": field "failures" must be an array, got string "x"', 'a string for an array is ES003');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'context_window_updated', '{"usage_percent": 100.5}')$$,
                 'ES003', 'invalid event_data for "context_window_updated": field "usage_percent" must be at most 100, got 100.5', 'above maximum is ES003');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'context_window_updated', '{"usage_percent": -1}')$$,
                 'ES003', 'invalid event_data for "context_window_updated": field "usage_percent" must be at least 0, got -1', 'below minimum is ES003');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'instance_registered', '{"instance_type": "XS", "project": "p"}')$$,
                 'ES003', 'invalid event_data for "instance_registered": field "instance_type" must be one of PS, MS, got "XS"', 'a value outside the enum is ES003');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'test_started', '{"test_suite": "u", "epic_id": 5}')$$,
                 'ES003', 'invalid event_data for "test_started": field "epic_id" must be a string, got number 5', 'epic_id on any event must be a string');
SELECT lives_ok($$SELECT event_store.emit_event('emit-PS-1', 'test_started', '{"test_suite": "u", "epic_id": "E-1", "extra": [1, 2]}')$$,
                'unknown extra fields are allowed');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'epic_started', '["E-1"]')$$,
                 'ES003', 'invalid event_data for "epic_started": expected a JSON object, got array', 'data that is not an object is ES003');
SELECT throws_ok(format($$SELECT event_store.emit_event('emit-PS-1', 'epic_started', %L)$$,
                        jsonb_build_object('epic_id', 'E', 'blob', (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 40000) i))),
                 'ES003', NULL, 'data over the 1 MiB cap is ES003');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'epic_started', NULL)$$,
                 'ES006', 'event_data must not be null', 'NULL data is ES006');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', NULL, '{}')$$,
                 'ES006', 'event_type must not be null', 'a NULL type is ES006');
SELECT throws_ok($$SELECT event_store.emit_event(NULL, 'epic_started', '{"epic_id": "E"}')$$,
                 'ES006', 'instance_id must not be null', 'a NULL instance is ES006');
SELECT throws_ok($$SELECT event_store.emit_event('bad id!', 'epic_started', '{"epic_id": "E"}')$$,
                 'ES006', 'invalid instance_id "bad id!": use 1-32 characters of A-Z, a-z, 0-9, "_", "." and "-"', 'a malformed instance id is ES006');
SELECT throws_ok($$SELECT event_store.emit_event('emit-PS-1', 'epic_started', '{"epic_id": "E"}', '[1]')$$,
                 'ES006', 'metadata must be a JSON object, got array', 'metadata that is not an object is ES006');
SELECT throws_ok($$SELECT event_store.emit_event('ghost-PS-0', 'epic_started', '{"epic_id": "E"}')$$,
                 'ES002', 'instance "ghost-PS-0" not found', 'an unregistered instance is ES002');

-- Expected sequence (optimistic concurrency)
SELECT throws_ok($$SELECT event_store.emit_event('emit-MS-2', 'epic_started', '{"epic_id": "E"}', NULL, NULL, 0)$$,
                 'ES004', 'expected sequence mismatch for instance "emit-MS-2": expected 0, actual 2', 'a stale expected sequence is ES004 with expected and actual');
SELECT is((SELECT sequence_num FROM event_store.emit_event('emit-MS-2', 'epic_started', '{"epic_id": "E"}', NULL, NULL, 2)), 3::bigint,
          'the current expected sequence appends');

-- Idempotency
SELECT is((SELECT sequence_num FROM event_store.emit_event('emit-MS-2', 'epic_completed', '{"epic_id": "E"}', '{"try": 1}',
                                                            'aaaaaaaa-0000-4000-8000-000000000001', 3)), 4::bigint,
          'an emit with a client event_id appends');
SELECT results_eq($$SELECT event_id, sequence_num FROM event_store.emit_event('emit-MS-2', 'epic_completed', '{"epic_id": "E"}',
                        '{"try": 1}', 'aaaaaaaa-0000-4000-8000-000000000001', 3)$$,
                  $$VALUES ('aaaaaaaa-0000-4000-8000-000000000001'::uuid, 4::bigint)$$,
                  'a retry with the same id and content returns the original row (even with its old expected sequence)');
SELECT is((SELECT count(*)::int FROM event_store.events WHERE event_id = 'aaaaaaaa-0000-4000-8000-000000000001'), 1,
          'the retry wrote nothing');
SELECT throws_ok($$SELECT event_store.emit_event('emit-MS-2', 'epic_completed', '{"epic_id": "OTHER"}', '{"try": 1}',
                        'aaaaaaaa-0000-4000-8000-000000000001')$$,
                 'ES007', 'event_id aaaaaaaa-0000-4000-8000-000000000001 was already used for a different event',
                 'the same id with different content is ES007');

SELECT * FROM finish();
ROLLBACK;
