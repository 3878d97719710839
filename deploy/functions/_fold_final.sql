-- Deploy supervisor_event_store:functions/_fold_final to pg
-- requires: functions/_fold_apply

BEGIN;

/*
 * Shapes the running _fold_acc into the jsonb state a supervisor resumes from. Every key is
 * always present; absent sections are zeros, empty objects or arrays, or null. Timestamps are
 * ISO 8601 UTC strings (the format _fold_apply writes into current_epic and epics), whatever the
 * session TimeZone. O(size of the state): nothing is recomputed from history.
 */
CREATE OR REPLACE FUNCTION event_store._fold_final(
    p_acc event_store._fold_acc
)
    RETURNS jsonb
    LANGUAGE sql
    STABLE
    PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object(
        'instance_id', p_acc.instance_id,
        'status', p_acc.status,
        'instance_type', p_acc.instance_type,
        'project', p_acc.project,
        'last_sequence_num', p_acc.last_sequence_num,
        'last_event_type', p_acc.last_event_type,
        'latest_timestamp', to_char(p_acc.latest_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'total_events_replayed', p_acc.total_events,
        'last_epic', p_acc.last_epic,
        'current_epic', p_acc.current_epic,
        'epics', p_acc.epics,
        'tests', jsonb_build_object(
            'started', p_acc.tests_started, 'passed', p_acc.tests_passed,
            'failed', p_acc.tests_failed, 'last_failure', p_acc.tests_last_failure),
        'validations', jsonb_build_object(
            'passed', p_acc.validations_passed, 'failed', p_acc.validations_failed,
            'last_failure', p_acc.validations_last_failure),
        'git', jsonb_build_object(
            'commits', p_acc.commits,
            'last_commit', CASE WHEN p_acc.last_commit IS NOT NULL THEN jsonb_build_object(
                               'commit_sha', p_acc.last_commit -> 'commit_sha',
                               'message', p_acc.last_commit -> 'message',
                               'branch', p_acc.last_commit -> 'branch') END,
            'open_prs', p_acc.open_prs,
            'merged_prs', p_acc.merged_prs),
        'deployments', jsonb_build_object(
            'started', p_acc.deployments_started, 'completed', p_acc.deployments_completed,
            'failed', p_acc.deployments_failed, 'last', p_acc.last_deployment,
            'by_environment', p_acc.deployments_by_env),
        'context_window', jsonb_build_object(
            'usage_percent', p_acc.context_usage_percent,
            'updated_at', to_char(p_acc.context_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
        'checkpoints', jsonb_build_object(
            'created', p_acc.checkpoints_created, 'loaded', p_acc.checkpoints_loaded,
            'last_checkpoint_id', p_acc.last_checkpoint_id),
        'planning', jsonb_build_object(
            'planned_epics', p_acc.planned_epics,
            'feature_requests', p_acc.feature_requests, 'tasks_spawned', p_acc.tasks_spawned))
$$;

COMMENT ON FUNCTION event_store._fold_final(event_store._fold_acc) IS
    'Internal: the jsonb state (every key present, timestamps ISO UTC) from a running _fold_acc.';

REVOKE ALL ON FUNCTION event_store._fold_final(event_store._fold_acc) FROM PUBLIC;

COMMIT;
