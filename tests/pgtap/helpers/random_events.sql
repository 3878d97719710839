-- Included by the replay and snapshot tests (\ir): pg_temp.random_events(n) returns a JSON array
-- of n random events for emit_events, every built-in type plus custom_thing (which the test
-- registers), with ids drawn from small pools so epics, PRs and checkpoints repeat.
CREATE FUNCTION pg_temp.random_events(p_n int) RETURNS jsonb LANGUAGE sql VOLATILE AS $f$
    SELECT jsonb_agg(jsonb_build_object('event_type', t.type, 'event_data', CASE t.type
        WHEN 'epic_started' THEN jsonb_build_object('epic_id', 'E-' || t.k % 5, 'feature_name', 'f' || t.k)
        WHEN 'epic_completed' THEN jsonb_build_object('epic_id', 'E-' || t.k % 5)
        WHEN 'epic_failed' THEN jsonb_build_object('epic_id', 'E-' || t.k % 5, 'reason', 'r' || t.k)
        WHEN 'epic_planned' THEN jsonb_build_object('epic_id', 'E-' || t.k % 7)
        WHEN 'pr_created' THEN jsonb_build_object('pr_number', 1 + t.k % 6, 'title', 't')
        WHEN 'pr_merged' THEN jsonb_build_object('pr_number', 1 + t.k % 6)
        WHEN 'test_started' THEN jsonb_build_object('test_suite', 's' || t.k % 3)
        WHEN 'test_passed' THEN jsonb_build_object('test_suite', 's' || t.k % 3)
        WHEN 'test_failed' THEN jsonb_build_object('test_suite', 's' || t.k % 3, 'failed_count', t.k % 4)
        WHEN 'validation_passed' THEN jsonb_build_object('validation_type', 'lint')
        WHEN 'validation_failed' THEN jsonb_build_object('validation_type', 'lint', 'reason', 'r' || t.k)
        WHEN 'commit_created' THEN jsonb_build_object('commit_sha', md5(t.k::text), 'message', 'm' || t.k)
        WHEN 'deployment_started' THEN jsonb_build_object('deployment_id', 'D-' || t.k, 'environment', 'env' || t.k % 3)
        WHEN 'deployment_completed' THEN jsonb_build_object('deployment_id', 'D-' || t.k, 'environment', 'env' || t.k % 3)
        WHEN 'deployment_failed' THEN jsonb_build_object('deployment_id', 'D-' || t.k, 'environment', 'env' || t.k % 3, 'reason', 'x')
        WHEN 'context_window_updated' THEN jsonb_build_object('usage_percent', t.k % 101)
        WHEN 'checkpoint_created' THEN jsonb_build_object('checkpoint_id', 'cp' || t.k)
        WHEN 'checkpoint_loaded' THEN jsonb_build_object('checkpoint_id', 'cp' || t.k)
        WHEN 'feature_requested' THEN jsonb_build_object('feature_name', 'f' || t.k)
        WHEN 'task_spawned' THEN jsonb_build_object('task_id', 'T' || t.k, 'task_type', 'x')
        WHEN 'instance_heartbeat' THEN CASE WHEN t.k % 2 = 0 THEN jsonb_build_object('context_percent', t.k % 101) ELSE '{}' END
        WHEN 'instance_stale' THEN jsonb_build_object('last_heartbeat_at', 'x', 'timeout_seconds', 1)
        ELSE jsonb_build_object('n', t.k) END))
      FROM (SELECT (ARRAY['epic_started', 'epic_completed', 'epic_failed', 'epic_planned', 'pr_created', 'pr_merged',
                          'test_started', 'test_passed', 'test_failed', 'validation_passed', 'validation_failed',
                          'commit_created', 'deployment_started', 'deployment_completed', 'deployment_failed',
                          'context_window_updated', 'checkpoint_created', 'checkpoint_loaded', 'feature_requested',
                          'task_spawned', 'instance_heartbeat', 'instance_stale', 'custom_thing'])[1 + floor(random() * 23)::int] AS type,
                   floor(random() * 1000)::int AS k
              FROM generate_series(1, p_n)) t
$f$;
