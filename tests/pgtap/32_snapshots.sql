-- Snapshots: create_snapshot, replay from snapshots (identical states on random sessions), fold
-- version, automatic snapshots, and snapshots never outliving delete_events_for_instance.
BEGIN;
SELECT plan(36);
-- The owner may write lifecycle events directly when it sets the lifecycle key (as register_instance,
-- heartbeat and mark_stale_instances do); these tests fold and validate every type that way.
SELECT set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);

SELECT has_table('event_store', 'snapshots', 'snapshots table exists');
SELECT columns_are('event_store', 'snapshots',
                   ARRAY['snapshot_id', 'instance_id', 'sequence_num', 'event_id', 'fold_version', 'state', 'created_at']);
SELECT fk_ok('event_store', 'snapshots', 'event_id', 'event_store', 'events', 'event_id');
SELECT has_function('event_store', 'create_snapshot', ARRAY['text']);
SELECT is_definer('event_store', 'create_snapshot', ARRAY['text']);
SELECT results_eq($$SELECT pg_get_function_result('event_store.create_snapshot(text)'::regprocedure)$$,
                  $$VALUES ('TABLE(snapshot_id bigint, instance_id text, sequence_num bigint, fold_version integer, events_replayed bigint, created_at timestamp with time zone)')$$,
                  'create_snapshot returns the snapshot''s columns');
SELECT ok(has_function_privilege('event_store_writer', 'event_store.create_snapshot(text)', 'EXECUTE')
          AND NOT has_function_privilege('event_store_reader', 'event_store.create_snapshot(text)', 'EXECUTE'),
          'writers may take snapshots, readers may not');

SELECT lives_ok($$SELECT event_store.register_event_type('custom_thing', 'work_state', 'A type the fold does not know.')$$,
                'register a new type');
\ir helpers/random_events.sql
SELECT setseed(0.77);

-- Basic behaviour
SELECT event_store.register_instance('s-PS-1', 'PS', 'odin');
SELECT event_store.emit_events('s-PS-1', pg_temp.random_events(99));
SELECT results_eq($$SELECT instance_id, sequence_num, fold_version, events_replayed FROM event_store.create_snapshot('s-PS-1')$$,
                  $$VALUES ('s-PS-1', 100::bigint, 1, 100::bigint)$$, 'create_snapshot at the head');
SELECT results_eq($$SELECT snapshot_id, events_replayed FROM event_store.create_snapshot('s-PS-1')$$,
                  $$SELECT snapshot_id, 0::bigint FROM event_store.snapshots WHERE instance_id = 's-PS-1'$$,
                  'a second call at the same head returns the same snapshot, built from it');
SELECT is((SELECT event_id FROM event_store.snapshots WHERE instance_id = 's-PS-1'),
          (SELECT event_id FROM event_store.events WHERE instance_id = 's-PS-1' AND sequence_num = 100),
          'the snapshot references the event it was taken at');
SELECT results_eq($$SELECT events_replayed, final_state FROM event_store.replay_events('s-PS-1')$$,
                  $$SELECT 0::bigint, event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e WHERE e.instance_id = 's-PS-1'$$,
                  'replay at the snapshot reads no event and gives the same state');
SELECT event_store.emit_events('s-PS-1', pg_temp.random_events(30));
SELECT results_eq($$SELECT events_replayed, final_state FROM event_store.replay_events('s-PS-1')$$,
                  $$SELECT 30::bigint, event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e WHERE e.instance_id = 's-PS-1'$$,
                  'replay reads only the events after the snapshot, same state');
SELECT results_eq($$SELECT events_replayed, final_state FROM event_store.replay_events('s-PS-1', 60)$$,
                  $$SELECT 60::bigint, event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e
                     WHERE e.instance_id = 's-PS-1' AND e.sequence_num <= 60$$,
                  'a target below the snapshot replays from the start');
SELECT is((SELECT (final_state ->> 'total_events_replayed')::bigint FROM event_store.replay_events('s-PS-1')), 130::bigint,
          'total_events_replayed counts the events before the snapshot too');

-- Another fold version's snapshot is ignored, even a newer one.
INSERT INTO event_store.snapshots (instance_id, sequence_num, event_id, fold_version, state)
SELECT 's-PS-1', 130, e.event_id, 0, '{"total_events": 999}'
  FROM event_store.events e WHERE e.instance_id = 's-PS-1' AND e.sequence_num = 130;
SELECT results_eq($$SELECT events_replayed, (final_state ->> 'total_events_replayed')::bigint FROM event_store.replay_events('s-PS-1')$$,
                  $$VALUES (30::bigint, 130::bigint)$$, 'a snapshot of another fold version is ignored');

-- Errors
SELECT event_store.register_instance('s-empty', 'PS', 'odin');
SELECT event_store.delete_events_for_instance('s-empty');
SELECT throws_ok($$SELECT * FROM event_store.create_snapshot('s-empty')$$, 'ES006', 'instance "s-empty" has no events to snapshot',
                 'an instance without events is ES006');
SELECT throws_ok($$SELECT * FROM event_store.create_snapshot('s-nobody')$$, 'ES002', NULL, 'an unknown instance is ES002');
SELECT throws_ok($$SELECT * FROM event_store.create_snapshot(NULL)$$, 'ES006', NULL, 'a NULL instance is ES006');

-- delete_events_for_instance takes the snapshots with the events; the re-written stream replays right.
SELECT is((SELECT count(*) FROM event_store.snapshots WHERE instance_id = 's-PS-1'), 2::bigint, 'two snapshots before the delete');
SELECT lives_ok($$SELECT event_store.delete_events_for_instance('s-PS-1')$$, 'delete the instance''s events');
SELECT is((SELECT count(*) FROM event_store.snapshots WHERE instance_id = 's-PS-1'), 0::bigint, 'its snapshots are gone');
SELECT event_store.emit_events('s-PS-1', pg_temp.random_events(120));
SELECT results_eq($$SELECT events_replayed, final_state FROM event_store.replay_events('s-PS-1')$$,
                  $$SELECT 120::bigint, event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e WHERE e.instance_id = 's-PS-1'$$,
                  'after re-writing the stream, replay folds the new events only');

-- Automatic snapshots
SELECT is((SELECT count(*) FROM event_store.replay_events('s-PS-1')), 1::bigint, 'replay without the setting');
SELECT is((SELECT count(*) FROM event_store.snapshots WHERE instance_id = 's-PS-1'), 0::bigint, 'takes no snapshot (off by default)');
SET LOCAL event_store.snapshot_every = '1';
SELECT is((SELECT events_replayed FROM event_store.replay_events('s-PS-1', 50)), 50::bigint, 'a session-level setting');
SELECT is((SELECT count(*) FROM event_store.snapshots WHERE instance_id = 's-PS-1'), 0::bigint,
          'is ignored: callers (readers too) cannot make replay write snapshots');
RESET event_store.snapshot_every;
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET event_store.snapshot_every = %L', current_database(), '100'); END $$;
SELECT is((SELECT events_replayed FROM event_store.replay_events('s-PS-1', 90)), 90::bigint, 'replay of 90 events with snapshot_every 100');
SELECT is((SELECT count(*) FROM event_store.snapshots WHERE instance_id = 's-PS-1'), 0::bigint, 'takes no snapshot');
SELECT is((SELECT events_replayed FROM event_store.replay_events('s-PS-1', 110)), 110::bigint, 'replay of 110 events');
SELECT results_eq($$SELECT sequence_num FROM event_store.snapshots WHERE instance_id = 's-PS-1'$$, ARRAY[110]::bigint[],
                  'takes a snapshot at its target');
SELECT is((SELECT events_replayed FROM event_store.replay_events('s-PS-1')), 10::bigint, 'the next replay starts there');
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET event_store.snapshot_every = %L', current_database(), 'often'); END $$;
SELECT throws_ok($$SELECT * FROM event_store.replay_events('s-PS-1')$$, 'ES006', NULL, 'a malformed snapshot_every is ES006');
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET event_store.snapshot_every', current_database()); END $$;

-- Random sessions: with snapshots at 150 and 250, every target gives the state fold_state gives.
SELECT event_store.register_instance('srand-' || i, 'PS', 'p') FROM generate_series(1, 5) i;
SELECT event_store.emit_events('srand-' || i, pg_temp.random_events(149)) FROM generate_series(1, 5) i;
SELECT count(*) FROM event_store.instances i, event_store.create_snapshot(i.instance_id) WHERE i.instance_id LIKE 'srand-%';
SELECT event_store.emit_events('srand-' || i, pg_temp.random_events(100)) FROM generate_series(1, 5) i;
SELECT count(*) FROM event_store.instances i, event_store.create_snapshot(i.instance_id) WHERE i.instance_id LIKE 'srand-%';
SELECT event_store.emit_events('srand-' || i, pg_temp.random_events(75)) FROM generate_series(1, 5) i;
SELECT is((SELECT count(*) FROM event_store.snapshots WHERE instance_id LIKE 'srand-%'), 10::bigint, 'two snapshots per random session');
SELECT is_empty($$SELECT i.instance_id, t.n FROM event_store.instances i
                   CROSS JOIN (VALUES (NULL), (1), (149), (150), (151), (201), (250), (251), (300), (325)) t (n)
                   WHERE i.instance_id LIKE 'srand-%'
                     AND (SELECT final_state FROM event_store.replay_events(i.instance_id, t.n))
                         IS DISTINCT FROM (SELECT event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e
                                            WHERE e.instance_id = i.instance_id AND e.sequence_num <= coalesce(t.n, 1000))$$,
                'random sessions: replay with snapshots = fold_state without, at every target');
SELECT is((SELECT sum(events_replayed)::bigint FROM event_store.instances i, event_store.replay_events(i.instance_id)
            WHERE i.instance_id LIKE 'srand-%'), 375::bigint, 'and full replays read only the 75 events after the last snapshot');

SELECT * FROM finish();
ROLLBACK;
