-- Replay: fold_state and replay_events, every event type's effect on the state, partial replay,
-- unknown-type tolerance, and fold_state = replay_events on random sessions.
BEGIN;
SELECT plan(43);
-- The owner may write lifecycle events directly when it sets the lifecycle key (as register_instance,
-- heartbeat and mark_stale_instances do); these tests fold and validate every type that way.
SELECT set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);

SELECT has_function('event_store', 'replay_events', ARRAY['text', 'bigint']);
SELECT is_definer('event_store', 'replay_events', ARRAY['text', 'bigint']);
SELECT is_aggregate('event_store', 'fold_state', ARRAY['event_store.events']);
SELECT results_eq($$SELECT pg_get_function_result('event_store.replay_events(text, bigint)'::regprocedure)$$,
                  $$VALUES ('TABLE(final_state jsonb, events_replayed bigint, duration_ms numeric)')$$,
                  'replay_events returns (final_state, events_replayed, duration_ms)');
SELECT ok(has_function_privilege('event_store_reader', 'event_store.replay_events(text, bigint)', 'EXECUTE')
          AND has_function_privilege('event_store_reader', 'event_store.fold_state(event_store.events)', 'EXECUTE'),
          'readers may replay and fold');

-- A scripted session touching every event type, plus a type registered later.
SELECT lives_ok($$SELECT event_store.register_event_type('custom_thing', 'work_state', 'A type the fold does not know.')$$,
                'register a new type');
SELECT lives_ok($$SELECT event_store.register_instance('r-PS-1', 'PS', 'odin')$$, 'register r-PS-1');
SELECT lives_ok($$SELECT event_store.emit_events('r-PS-1', '[
  {"event_type": "epic_planned", "event_data": {"epic_id": "E-2"}},
  {"event_type": "epic_planned", "event_data": {"epic_id": "E-2"}},
  {"event_type": "epic_started", "event_data": {"epic_id": "E-1", "feature_name": "login"}},
  {"event_type": "test_started", "event_data": {"test_suite": "unit"}},
  {"event_type": "test_failed", "event_data": {"test_suite": "unit", "failed_count": 2}},
  {"event_type": "test_passed", "event_data": {"test_suite": "unit"}},
  {"event_type": "validation_passed", "event_data": {"validation_type": "lint"}},
  {"event_type": "validation_failed", "event_data": {"validation_type": "typecheck", "reason": "3 errors"}},
  {"event_type": "commit_created", "event_data": {"commit_sha": "abc", "message": "m1", "branch": "main", "files_changed": 3}},
  {"event_type": "pr_created", "event_data": {"pr_number": 7, "title": "t7"}},
  {"event_type": "pr_created", "event_data": {"pr_number": 8, "title": "t8"}},
  {"event_type": "pr_merged", "event_data": {"pr_number": 7}},
  {"event_type": "deployment_started", "event_data": {"deployment_id": "D-1", "environment": "staging"}},
  {"event_type": "deployment_completed", "event_data": {"deployment_id": "D-1", "environment": "staging"}},
  {"event_type": "deployment_failed", "event_data": {"deployment_id": "D-2", "environment": "prod", "reason": "boom"}},
  {"event_type": "context_window_updated", "event_data": {"usage_percent": 42.5}},
  {"event_type": "checkpoint_created", "event_data": {"checkpoint_id": "cp-1"}},
  {"event_type": "checkpoint_loaded", "event_data": {"checkpoint_id": "cp-0"}},
  {"event_type": "feature_requested", "event_data": {"feature_name": "export"}},
  {"event_type": "task_spawned", "event_data": {"task_id": "T-1", "task_type": "subagent"}},
  {"event_type": "epic_completed", "event_data": {"epic_id": "E-1"}},
  {"event_type": "epic_started", "event_data": {"epic_id": "E-2"}},
  {"event_type": "epic_failed", "event_data": {"epic_id": "E-2", "reason": "blocked"}},
  {"event_type": "custom_thing", "event_data": {"anything": 1}},
  {"event_type": "instance_stale", "event_data": {"last_heartbeat_at": "2026-01-01T00:00:00Z", "timeout_seconds": 300}}
  ]')$$, 'emit a session with every event type');

CREATE TEMP TABLE r_full AS SELECT * FROM event_store.replay_events('r-PS-1');
CREATE FUNCTION pg_temp.iso_at(p_seq int) RETURNS text LANGUAGE sql AS $f$
    SELECT to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
      FROM event_store.events WHERE instance_id = 'r-PS-1' AND sequence_num = p_seq
$f$;

SELECT is((SELECT events_replayed FROM r_full), 26::bigint, 'events_replayed counts every event');
SELECT ok((SELECT duration_ms >= 0 FROM r_full), 'duration_ms is reported');
SELECT is((SELECT final_state - ARRAY['current_epic', 'epics', 'tests', 'validations', 'git', 'deployments',
                                      'context_window', 'checkpoints', 'planning'] FROM r_full),
          jsonb_build_object('instance_id', 'r-PS-1', 'status', 'stale', 'instance_type', 'PS', 'project', 'odin',
                             'last_sequence_num', 26, 'last_event_type', 'instance_stale',
                             'latest_timestamp', pg_temp.iso_at(26), 'total_events_replayed', 26,
                             'last_epic', 'E-2'),
          'top-level keys: identity, status (instance_stale), last event, counters, last_epic');
SELECT is((SELECT final_state -> 'current_epic' FROM r_full),
          jsonb_build_object('epic_id', 'E-2', 'status', 'failed', 'started_at', pg_temp.iso_at(23),
                             'feature_name', NULL, 'reason', 'blocked'),
          'current_epic follows the latest epic_started to its failure');
SELECT is((SELECT final_state -> 'epics' FROM r_full),
          jsonb_build_object(
              'E-1', jsonb_build_object('status', 'completed', 'started_at', pg_temp.iso_at(4),
                                        'ended_at', pg_temp.iso_at(22), 'reason', NULL),
              'E-2', jsonb_build_object('status', 'failed', 'started_at', pg_temp.iso_at(23),
                                        'ended_at', pg_temp.iso_at(24), 'reason', 'blocked')),
          'epics map: status, started_at, ended_at, reason per epic');
SELECT is((SELECT final_state -> 'tests' FROM r_full),
          '{"started": 1, "passed": 1, "failed": 1, "last_failure": {"test_suite": "unit", "failed_count": 2}}'::jsonb,
          'tests section');
SELECT is((SELECT final_state -> 'validations' FROM r_full),
          '{"passed": 1, "failed": 1, "last_failure": {"validation_type": "typecheck", "reason": "3 errors"}}'::jsonb,
          'validations section');
SELECT is((SELECT final_state -> 'git' FROM r_full),
          '{"commits": 1, "last_commit": {"commit_sha": "abc", "message": "m1", "branch": "main"},
            "open_prs": [8], "merged_prs": [7]}'::jsonb,
          'git section: commits, last commit, open and merged PRs');
SELECT is((SELECT final_state -> 'deployments' FROM r_full),
          '{"started": 1, "completed": 1, "failed": 1,
            "last": {"deployment_id": "D-2", "environment": "prod", "status": "failed"},
            "by_environment": {"staging": {"deployment_id": "D-1", "status": "completed"},
                               "prod": {"deployment_id": "D-2", "status": "failed"}}}'::jsonb,
          'deployments section');
SELECT is((SELECT final_state -> 'context_window' FROM r_full),
          jsonb_build_object('usage_percent', 42.5, 'updated_at', pg_temp.iso_at(17)), 'context_window section');
SELECT is((SELECT final_state -> 'checkpoints' FROM r_full),
          '{"created": 1, "loaded": 1, "last_checkpoint_id": "cp-0"}'::jsonb, 'checkpoints section');
SELECT is((SELECT final_state -> 'planning' FROM r_full),
          '{"planned_epics": ["E-2"], "feature_requests": 1, "tasks_spawned": 1}'::jsonb,
          'planning section (planned epics without duplicates)');
SELECT is((SELECT event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e WHERE e.instance_id = 'r-PS-1'),
          (SELECT final_state FROM r_full), 'fold_state used directly gives the same state');

-- The unknown type only moves the counters and last_* fields.
SELECT is((SELECT final_state - ARRAY['last_sequence_num', 'last_event_type', 'latest_timestamp', 'total_events_replayed']
             FROM event_store.replay_events('r-PS-1', 25)),
          (SELECT final_state - ARRAY['last_sequence_num', 'last_event_type', 'latest_timestamp', 'total_events_replayed']
             FROM event_store.replay_events('r-PS-1', 24)),
          'a type registered later changes nothing but the counters');
SELECT is((SELECT final_state ->> 'last_event_type' FROM event_store.replay_events('r-PS-1', 25)), 'custom_thing',
          'and is the last event type');

-- Heartbeat re-activates and reports context usage.
SELECT lives_ok($$SELECT event_store.heartbeat('r-PS-1', 55)$$, 'heartbeat');
SELECT is((SELECT final_state -> 'status' FROM event_store.replay_events('r-PS-1')), '"active"'::jsonb,
          'a heartbeat after instance_stale makes the state active');
SELECT is((SELECT (final_state -> 'context_window' ->> 'usage_percent')::numeric FROM event_store.replay_events('r-PS-1')),
          55::numeric, 'a heartbeat with context_percent updates the context window');

-- Partial replay
SELECT results_eq($$SELECT events_replayed, (final_state ->> 'last_sequence_num')::bigint,
                           final_state -> 'current_epic' ->> 'status', final_state -> 'tests' -> 'started'
                      FROM event_store.replay_events('r-PS-1', 5)$$,
                  $$VALUES (5::bigint, 5::bigint, 'in_progress', '1'::jsonb)$$,
                  'replay to sequence 5 stops there (inclusive)');
SELECT is((SELECT final_state FROM event_store.replay_events('r-PS-1', 13)),
          (SELECT event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e
            WHERE e.instance_id = 'r-PS-1' AND e.sequence_num <= 13), 'partial replay equals fold_state up to it');
SELECT is((SELECT final_state FROM event_store.replay_events('r-PS-1', 1000)),
          (SELECT final_state FROM event_store.replay_events('r-PS-1')), 'a target past the head replays everything');
SELECT is((SELECT final_state FROM event_store.replay_events('r-PS-1', 0)),
          jsonb_build_object('instance_id', 'r-PS-1', 'status', 'active', 'instance_type', NULL, 'project', NULL,
                             'last_sequence_num', 0, 'last_event_type', NULL, 'latest_timestamp', NULL,
                             'total_events_replayed', 0, 'last_epic', NULL, 'current_epic', NULL, 'epics', '{}'::jsonb,
                             'tests', '{"started": 0, "passed": 0, "failed": 0, "last_failure": null}'::jsonb,
                             'validations', '{"passed": 0, "failed": 0, "last_failure": null}'::jsonb,
                             'git', '{"commits": 0, "last_commit": null, "open_prs": [], "merged_prs": []}'::jsonb,
                             'deployments', '{"started": 0, "completed": 0, "failed": 0, "last": null, "by_environment": {}}'::jsonb,
                             'context_window', '{"usage_percent": null, "updated_at": null}'::jsonb,
                             'checkpoints', '{"created": 0, "loaded": 0, "last_checkpoint_id": null}'::jsonb,
                             'planning', '{"planned_epics": [], "feature_requests": 0, "tasks_spawned": 0}'::jsonb),
          'replay to 0: the empty state, every key present');
SELECT is((SELECT event_store.fold_state(e) FROM event_store.events e WHERE false) -> 'tests',
          '{"started": 0, "passed": 0, "failed": 0, "last_failure": null}'::jsonb, 'fold_state over no rows is the empty state');
SELECT throws_ok($$SELECT * FROM event_store.replay_events('r-PS-1', -1)$$, 'ES006', NULL, 'a negative target is ES006');
SELECT throws_ok($$SELECT * FROM event_store.replay_events('r-nobody')$$, 'ES002', 'instance "r-nobody" not found',
                 'an unknown instance is ES002');
SELECT throws_ok($$SELECT * FROM event_store.replay_events(NULL)$$, 'ES006', NULL, 'a NULL instance is ES006');

-- The state is independent of the session TimeZone.
SET LOCAL TimeZone = 'America/New_York';
SELECT is((SELECT final_state FROM event_store.replay_events('r-PS-1', 26)),
          (SELECT final_state FROM r_full), 'timestamps are UTC whatever the TimeZone');
RESET TimeZone;

-- Random sessions: replay_events (chunked) = fold_state (one array) for every prefix checked.
SELECT setseed(0.31);
\ir helpers/random_events.sql
SELECT event_store.register_instance('rand-' || i, 'PS', 'p' || i) FROM generate_series(1, 5) i;
SELECT event_store.emit_events('rand-' || i, pg_temp.random_events(400)) FROM generate_series(1, 5) i;
SELECT is((SELECT count(*) FROM event_store.events WHERE instance_id LIKE 'rand-%'), 2005::bigint, '5 random sessions of 401 events');
SELECT is_empty($$SELECT i.instance_id FROM event_store.instances i
                   WHERE i.instance_id LIKE 'rand-%'
                     AND (SELECT final_state FROM event_store.replay_events(i.instance_id))
                         IS DISTINCT FROM (SELECT event_store.fold_state(e ORDER BY e.sequence_num)
                                             FROM event_store.events e WHERE e.instance_id = i.instance_id)$$,
                'random sessions: replay_events = fold_state');
SELECT is_empty($$SELECT i.instance_id, t.n FROM event_store.instances i
                   CROSS JOIN (VALUES (1), (37), (200), (399)) t (n)
                   WHERE i.instance_id LIKE 'rand-%'
                     AND (SELECT final_state FROM event_store.replay_events(i.instance_id, t.n))
                         IS DISTINCT FROM (SELECT event_store.fold_state(e ORDER BY e.sequence_num)
                                             FROM event_store.events e WHERE e.instance_id = i.instance_id AND e.sequence_num <= t.n)$$,
                'random sessions: partial replays = fold_state of the prefix');
SELECT ok((SELECT bool_and((final_state ?& ARRAY['instance_id', 'status', 'instance_type', 'project', 'last_sequence_num',
                                                 'last_event_type', 'latest_timestamp', 'total_events_replayed', 'last_epic',
                                                 'current_epic', 'epics', 'tests', 'validations', 'git', 'deployments',
                                                 'context_window', 'checkpoints', 'planning']))
             FROM event_store.instances i, event_store.replay_events(i.instance_id)
            WHERE i.instance_id LIKE 'rand-%'), 'every key is present in random states');
SELECT ok((SELECT bool_and(jsonb_array_length(final_state -> 'git' -> 'open_prs') + jsonb_array_length(final_state -> 'git' -> 'merged_prs')
                           <= 6 AND NOT (final_state -> 'git' -> 'open_prs') ?| ARRAY(SELECT jsonb_array_elements_text(final_state -> 'git' -> 'merged_prs')))
             FROM event_store.instances i, event_store.replay_events(i.instance_id)
            WHERE i.instance_id LIKE 'rand-%'), 'a PR is never both open and merged');
-- _fold_apply merges pull requests and planned epics one by one for up to 16 in a call (a replay
-- from a recent snapshot) and set-based beyond: both ways must give the same state.
SELECT ok((SELECT min(n) FROM (SELECT count(*) n FROM event_store.events
                                WHERE instance_id LIKE 'rand-%' AND event_type IN ('pr_created', 'pr_merged')
                                GROUP BY instance_id) c) > 16,
          'every random session has more than 16 PR events (fold_state merges them set-based)');
SELECT is_empty($$WITH RECURSIVE f (instance_id, n, acc) AS (
                       SELECT i.instance_id, 0::bigint, event_store._fold_initial()
                         FROM event_store.instances i WHERE i.instance_id LIKE 'rand-%'
                       UNION ALL
                       SELECT f.instance_id, f.n + 1,
                              event_store._fold_apply(f.acc, ARRAY(SELECT e FROM event_store.events e
                                                                   WHERE e.instance_id = f.instance_id AND e.sequence_num = f.n + 1))
                         FROM f WHERE f.n < 401)
                   SELECT f.instance_id FROM f
                    WHERE f.n = 401
                      AND event_store._fold_final(f.acc)
                          IS DISTINCT FROM (SELECT event_store.fold_state(e ORDER BY e.sequence_num)
                                              FROM event_store.events e WHERE e.instance_id = f.instance_id)$$,
                'random sessions: one event per _fold_apply call = all at once');
-- 12,001 events cross the 10,000-event chunk boundary of replay_events.
SELECT event_store.register_instance('rand-big', 'MS', 'p');
SELECT event_store.emit_events('rand-big', pg_temp.random_events(1000)) FROM generate_series(1, 12);
SELECT is((SELECT final_state FROM event_store.replay_events('rand-big')),
          (SELECT event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e WHERE e.instance_id = 'rand-big'),
          'a replay over several chunks equals fold_state');

SELECT * FROM finish();
ROLLBACK;
