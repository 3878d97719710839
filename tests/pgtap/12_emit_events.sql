-- emit_events: batches are atomic, consecutive, ordered, idempotent and validated per element.
BEGIN;
SELECT plan(23);
-- The owner may write lifecycle events directly when it sets the lifecycle key (as register_instance,
-- heartbeat and mark_stale_instances do); these tests fold and validate every type that way.
SELECT set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);

SELECT has_function('event_store', 'emit_events', ARRAY['text', 'jsonb', 'bigint']);
SELECT is_definer('event_store', 'emit_events', ARRAY['text', 'jsonb', 'bigint']);
SELECT event_store.register_instance('batch-PS-1', 'PS', 'odin');

SELECT results_eq(
    $$SELECT sequence_num FROM event_store.emit_events('batch-PS-1', '[
        {"event_type": "epic_started", "event_data": {"epic_id": "E-1"}},
        {"event_type": "test_started", "event_data": {"test_suite": "unit"}, "metadata": {"run": 1}},
        {"event_type": "test_passed",  "event_data": {"test_suite": "unit", "passed_count": 12}}]', 1)$$,
    ARRAY[2, 3, 4]::bigint[], 'a batch gets consecutive sequence numbers, returned in input order');
SELECT results_eq($$SELECT event_type FROM event_store.events WHERE instance_id = 'batch-PS-1' ORDER BY sequence_num$$,
                  ARRAY['instance_registered', 'epic_started', 'test_started', 'test_passed'], 'stored in batch order');
SELECT is((SELECT metadata FROM event_store.events WHERE instance_id = 'batch-PS-1' AND sequence_num = 3),
          '{"run": 1}'::jsonb, 'per-event metadata is stored');
SELECT ok((SELECT bool_and(a."timestamp" <= b."timestamp") FROM event_store.events a
             JOIN event_store.events b ON b.instance_id = a.instance_id AND b.sequence_num = a.sequence_num + 1
            WHERE a.instance_id = 'batch-PS-1'), 'timestamps never decrease along the sequence');

-- Atomicity: one bad event writes none.
SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '[
        {"event_type": "epic_completed", "event_data": {"epic_id": "E-1"}},
        {"event_type": "epic_failed", "event_data": {"epic_id": "E-2"}}]')$$,
    'ES003', 'event #2: invalid event_data for "epic_failed": missing required field "reason"',
    'an invalid second event fails the batch, naming its position');
SELECT is((SELECT last_sequence_num FROM event_store.instances WHERE instance_id = 'batch-PS-1'), 4::bigint,
          'nothing of the failed batch was written (head unchanged)');
SELECT is((SELECT count(*)::int FROM event_store.events WHERE instance_id = 'batch-PS-1'), 4, 'and no rows were added');
SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '[{"event_type": "epic_done", "event_data": {}}]')$$,
                 'ES001', 'event #1: unknown event_type "epic_done"', 'an unknown type in a batch is ES001');

-- Argument errors
SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '{}')$$, 'ES006', 'events must be a JSON array, got object', 'not an array');
SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '[]')$$, 'ES006', 'events must hold 1 to 1000 events, got 0', 'empty batch');
SELECT throws_ok(format($$SELECT event_store.emit_events('batch-PS-1', %L)$$,
                        (SELECT jsonb_agg(jsonb_build_object('event_type', 'instance_heartbeat', 'event_data', '{}'::jsonb))
                           FROM generate_series(1, 1001))),
                 'ES006', 'events must hold 1 to 1000 events, got 1001', 'more than 1000 events');
SELECT is((SELECT count(*)::int FROM event_store.emit_events('batch-PS-1',
              (SELECT jsonb_agg(jsonb_build_object('event_type', 'instance_heartbeat', 'event_data', '{}'::jsonb))
                 FROM generate_series(1, 1000)))), 1000, 'exactly 1000 events are accepted');
SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '[{"event_type": "epic_started", "data": {"epic_id": "E"}}]')$$,
                 'ES006', 'event #1: unknown key "data"', 'a misspelt key is named');
SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '[{"event_type": "epic_started", "event_data": {"epic_id": "E"}, "event_id": "nope"}]')$$,
                 'ES006', 'event #1: event_id must be a UUID string, got "nope"', 'a malformed event_id is ES006');
SELECT throws_ok(format($$SELECT event_store.emit_events('batch-PS-1', %L)$$,
                        jsonb_build_array(jsonb_build_object('event_type', 'instance_heartbeat', 'event_data', '{}'::jsonb,
                            'metadata', jsonb_build_object('blob', (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 40000) i))))),
                 'ES006', NULL, 'metadata over the 1 MiB cap is ES006 in a batch too');
SELECT throws_ok($$SELECT event_store.emit_events('ghost-PS-0', '[{"event_type": "epic_started", "event_data": {"epic_id": "E"}}]')$$,
                 'ES002', 'instance "ghost-PS-0" not found', 'unknown instance is ES002');
SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '[{"event_type": "epic_started", "event_data": {"epic_id": "E"}}]', 3)$$,
                 'ES004', 'expected sequence mismatch for instance "batch-PS-1": expected 3, actual 1004', 'expected sequence is checked before the batch');

-- Idempotent retries of a whole batch
SELECT results_eq(
    $$SELECT event_id, sequence_num FROM event_store.emit_events('batch-PS-1', '[
        {"event_type": "commit_created", "event_data": {"commit_sha": "abc", "message": "m"}, "event_id": "bbbbbbbb-0000-4000-8000-000000000001"},
        {"event_type": "pr_created", "event_data": {"pr_number": 3, "title": "t"}, "event_id": "bbbbbbbb-0000-4000-8000-000000000002"}]', 1004)$$,
    $$VALUES ('bbbbbbbb-0000-4000-8000-000000000001'::uuid, 1005::bigint), ('bbbbbbbb-0000-4000-8000-000000000002'::uuid, 1006::bigint)$$,
    'a batch with client event ids appends');
SELECT results_eq(
    $$SELECT event_id, sequence_num FROM event_store.emit_events('batch-PS-1', '[
        {"event_type": "commit_created", "event_data": {"commit_sha": "abc", "message": "m"}, "event_id": "bbbbbbbb-0000-4000-8000-000000000001"},
        {"event_type": "pr_created", "event_data": {"pr_number": 3, "title": "t"}, "event_id": "bbbbbbbb-0000-4000-8000-000000000002"}]', 1004)$$,
    $$VALUES ('bbbbbbbb-0000-4000-8000-000000000001'::uuid, 1005::bigint), ('bbbbbbbb-0000-4000-8000-000000000002'::uuid, 1006::bigint)$$,
    'retrying the identical batch returns the original rows and writes nothing');
SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '[
        {"event_type": "pr_merged", "event_data": {"pr_number": 3}, "event_id": "bbbbbbbb-0000-4000-8000-000000000002"}]')$$,
    'ES007', 'event #1: event_id bbbbbbbb-0000-4000-8000-000000000002 was already used for a different event',
    'a reused id with other content is ES007');

SELECT throws_ok($$SELECT event_store.emit_events('batch-PS-1', '[
        {"event_type": "pr_merged", "event_data": {"pr_number": 4}, "event_id": "bbbbbbbb-0000-4000-8000-000000000003"},
        {"event_type": "pr_merged", "event_data": {"pr_number": 5}, "event_id": "bbbbbbbb-0000-4000-8000-000000000003"}]')$$,
    'ES007', 'event #2: event_id bbbbbbbb-0000-4000-8000-000000000003 was already used for a different event',
    'one id for two different events in a batch is ES007');

SELECT * FROM finish();
ROLLBACK;
