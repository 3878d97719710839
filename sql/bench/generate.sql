-- Bench data for tests/bench/read_bench.py: :n events across 1,000 instances, set-based.
-- Instance bench-0000 holds every 10th event (10% of :n); the other 999 share the rest evenly.
-- Global position g interleaves the instances the way concurrent appends do, so one instance's
-- rows are spread over the whole heap; per-instance sequence numbers are 1..n_i without gaps,
-- and "timestamp" = created_at = updated_at grows with g over 90 days. Mix: 30% heartbeats, 20%
-- test events, 10% commits, ... 0.8% epic events (an epic spans ~300 events of its instance),
-- 1.4% pull-request events (a PR number spans ~150 events).
-- Run as the owner (superuser) on a freshly deployed database: psql -v n=1000000 -f generate.sql
\set ON_ERROR_STOP on
BEGIN;
SET LOCAL session_replication_role = replica;  -- skip the FK triggers for the bulk load (ids are valid)
SELECT setseed(0.42) \gset

INSERT INTO event_store.instances (instance_id, instance_type, project, registered_at, last_heartbeat_at)
SELECT format('bench-%s', lpad(k::text, 4, '0')),
       CASE WHEN k % 10 = 0 THEN 'MS' ELSE 'PS' END,
       format('project-%s', k % 37),
       timestamptz '2026-06-01 00:00:00+00',
       timestamptz '2026-06-01 00:00:00+00'
  FROM generate_series(0, 999) k;

CREATE TEMP TABLE bench_vocab AS
SELECT ARRAY['api', 'auth', 'billing', 'cli', 'db', 'e2e', 'ingest', 'ui', 'search', 'worker'] AS suites,
       ARRAY['fix null check in parser', 'add retry to uploader', 'refactor session store',
             'bump dependencies', 'improve error messages', 'add pagination to list view',
             'tighten input validation', 'speed up cold start', 'document the config flags',
             'remove dead feature flag'] AS messages,
       ARRAY['AssertionError: expected 200, got 500', 'KeyError: ''user_id''',
             'TypeError: cannot read property of undefined', 'ConnectionResetError during fixture setup',
             'snapshot mismatch in rendered header', 'timeout after 30s waiting for worker'] AS errors,
       ARRAY['lint', 'typecheck', 'acceptance_review', 'security_scan'] AS validations;

WITH g AS (
    SELECT g, (g % 10 = 0) AS big, g - g / 10 - 1 AS h, random() AS r, random() AS r2
      FROM generate_series(1, :n) g
), s AS (
    SELECT g, r, r2,
           CASE WHEN big THEN 'bench-0000' ELSE format('bench-%s', lpad((1 + h % 999)::text, 4, '0')) END AS instance_id,
           CASE WHEN big THEN g / 10 ELSE h / 999 + 1 END AS seq,
           timestamptz '2026-06-01 00:00:00+00' + (g::float8 / :n) * interval '90 days' AS ts
      FROM g
), t AS (
    SELECT s.*,
           CASE WHEN seq = 1 THEN 'instance_registered'
                WHEN r < 0.300 THEN 'instance_heartbeat'
                WHEN r < 0.400 THEN 'test_started'
                WHEN r < 0.480 THEN 'test_passed'
                WHEN r < 0.500 THEN 'test_failed'
                WHEN r < 0.600 THEN 'commit_created'
                WHEN r < 0.680 THEN 'context_window_updated'
                WHEN r < 0.720 THEN 'validation_passed'
                WHEN r < 0.730 THEN 'validation_failed'
                WHEN r < 0.770 THEN 'task_spawned'
                WHEN r < 0.790 THEN 'checkpoint_created'
                WHEN r < 0.800 THEN 'checkpoint_loaded'
                WHEN r < 0.804 THEN 'epic_started'
                WHEN r < 0.807 THEN 'epic_completed'
                WHEN r < 0.808 THEN 'epic_failed'
                WHEN r < 0.823 THEN 'deployment_started'
                WHEN r < 0.835 THEN 'deployment_completed'
                WHEN r < 0.838 THEN 'deployment_failed'
                WHEN r < 0.846 THEN 'pr_created'
                WHEN r < 0.852 THEN 'pr_merged'
                WHEN r < 0.856 THEN 'epic_planned'
                WHEN r < 0.871 THEN 'feature_requested'
                WHEN r < 0.873 THEN 'instance_stale'
                ELSE 'instance_heartbeat' END AS event_type,
           1 + (r2 * 1000)::int AS k
      FROM s
)
INSERT INTO event_store.events
       (instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at, updated_at)
SELECT t.instance_id, t.event_type, t.seq, t.ts,
       CASE t.event_type
       WHEN 'instance_registered' THEN jsonb_build_object('instance_type', 'PS', 'project', 'project-' || (t.g % 37))
       WHEN 'instance_heartbeat' THEN jsonb_build_object('context_percent', t.k % 100)
       WHEN 'test_started' THEN jsonb_build_object('test_suite', v.suites[1 + t.k % 10])
       WHEN 'test_passed' THEN jsonb_build_object('test_suite', v.suites[1 + t.k % 10], 'passed_count', t.k, 'duration_ms', t.k * 7)
       WHEN 'test_failed' THEN jsonb_build_object('test_suite', v.suites[1 + t.k % 10], 'failed_count', 1 + t.k % 3,
            'failures', jsonb_build_array(jsonb_build_object('test', 'test_case_' || t.k, 'error', v.errors[1 + t.k % 6])))
       WHEN 'commit_created' THEN jsonb_build_object('commit_sha', md5(t.g::text) || left(md5(t.k::text), 8),
            'message', v.messages[1 + t.k % 10] || ' (#' || t.k || ')', 'branch', 'feature/E-' || (t.seq / 300), 'files_changed', 1 + t.k % 20)
       WHEN 'context_window_updated' THEN jsonb_build_object('usage_percent', t.k % 100, 'tokens_used', t.k * 180, 'tokens_total', 200000)
       WHEN 'validation_passed' THEN jsonb_build_object('validation_type', v.validations[1 + t.k % 4])
       WHEN 'validation_failed' THEN jsonb_build_object('validation_type', v.validations[1 + t.k % 4], 'reason', v.errors[1 + t.k % 6])
       WHEN 'task_spawned' THEN jsonb_build_object('task_id', 'T-' || t.g, 'task_type', 'subagent', 'description', 'investigate ' || v.suites[1 + t.k % 10], 'epic_id', 'E-' || (t.seq / 300))
       WHEN 'checkpoint_created' THEN jsonb_build_object('checkpoint_id', 'cp-' || t.g, 'reason', 'context at ' || t.k % 100 || '%', 'context_percent', t.k % 100)
       WHEN 'checkpoint_loaded' THEN jsonb_build_object('checkpoint_id', 'cp-' || (t.g - t.k))
       WHEN 'epic_started' THEN jsonb_build_object('epic_id', 'E-' || (t.seq / 300), 'feature_name', 'feature ' || v.suites[1 + t.k % 10], 'estimated_hours', t.k % 40)
       WHEN 'epic_completed' THEN jsonb_build_object('epic_id', 'E-' || (t.seq / 300))
       WHEN 'epic_failed' THEN jsonb_build_object('epic_id', 'E-' || (t.seq / 300), 'reason', v.errors[1 + t.k % 6])
       WHEN 'deployment_started' THEN jsonb_build_object('deployment_id', 'D-' || t.g, 'environment', CASE WHEN t.k % 3 = 0 THEN 'production' ELSE 'staging' END)
       WHEN 'deployment_completed' THEN jsonb_build_object('deployment_id', 'D-' || t.g, 'environment', CASE WHEN t.k % 3 = 0 THEN 'production' ELSE 'staging' END)
       WHEN 'deployment_failed' THEN jsonb_build_object('deployment_id', 'D-' || t.g, 'environment', 'production', 'reason', v.errors[1 + t.k % 6])
       WHEN 'pr_created' THEN jsonb_build_object('pr_number', 1 + t.seq / 150, 'title', v.messages[1 + t.k % 10], 'branch', 'feature/E-' || (t.seq / 300))
       WHEN 'pr_merged' THEN jsonb_build_object('pr_number', 1 + t.seq / 150, 'merge_sha', md5(t.g::text))
       WHEN 'epic_planned' THEN jsonb_build_object('epic_id', 'E-' || (t.seq / 300 + 1), 'title', 'plan ' || v.suites[1 + t.k % 10])
       WHEN 'feature_requested' THEN jsonb_build_object('feature_name', v.suites[1 + t.k % 10] || ' export', 'description', v.messages[1 + t.k % 10])
       ELSE jsonb_build_object('last_heartbeat_at', t.ts::text, 'timeout_seconds', 300)
       END,
       CASE WHEN t.k % 4 = 0 THEN '{}'::jsonb
            ELSE jsonb_build_object('source', 'supervisor', 'session', 's-' || (t.seq / 500)) END,
       t.ts, t.ts
  FROM t CROSS JOIN bench_vocab v;

UPDATE event_store.instances i
   SET last_sequence_num = m.n, last_heartbeat_at = m.ts
  FROM (SELECT instance_id, max(sequence_num) AS n, max("timestamp") AS ts
          FROM event_store.events GROUP BY instance_id) m
 WHERE m.instance_id = i.instance_id;

COMMIT;
