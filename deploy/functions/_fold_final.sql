-- Deploy supervisor_event_store:functions/_fold_final to pg
-- requires: functions/_fold_apply

BEGIN;

/*
 * Builds the jsonb state a supervisor resumes from, once, from the running _fold_acc. Every key
 * is always present; absent sections are zeros, empty objects or arrays, or null. Timestamps are
 * ISO 8601 UTC strings (to_char(... AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), the same
 * format _fold_apply writes into current_epic), whatever the session TimeZone. From the logs:
 *   epics: per epic_id its latest event decides status (started = in_progress, ended_at and
 *          reason null; completed/failed = that status, its time as ended_at, the failure
 *          reason); started_at is the latest epic_started (null if none was seen).
 *   pull requests: merged_prs = numbers with a pr_merged event, in order of first merge;
 *          open_prs = numbers created and never merged, in order of first creation.
 *   planned_epics: distinct epic ids in order of first planning.
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
        'epics', (SELECT coalesce(jsonb_object_agg(l.epic_id, jsonb_build_object(
                                 'status', CASE l.kind WHEN 'started' THEN 'in_progress' ELSE l.kind END,
                                 'started_at', to_char(l.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                 'ended_at', CASE WHEN l.kind <> 'started'
                                                  THEN to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END,
                                 'reason', CASE WHEN l.kind = 'failed' THEN l.reason END)), '{}')
                    FROM (SELECT DISTINCT ON (e.epic_id) e.epic_id, e.kind, e.at, e.reason,
                                 max(e.at) FILTER (WHERE e.kind = 'started')
                                     OVER (PARTITION BY e.epic_id) AS started_at
                            FROM unnest(p_acc.epic_ids, p_acc.epic_events, p_acc.epic_at, p_acc.epic_reasons)
                                 WITH ORDINALITY AS e (epic_id, kind, at, reason, n)
                           WHERE e.epic_id IS NOT NULL
                           ORDER BY e.epic_id, e.n DESC) l),
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
            'open_prs', (SELECT coalesce(jsonb_agg(p.pr ORDER BY p.first_created), '[]')
                           FROM (SELECT l.pr, min(l.n) AS first_created
                                   FROM unnest(p_acc.pr_numbers, p_acc.pr_merged) WITH ORDINALITY AS l (pr, merged, n)
                                  GROUP BY l.pr
                                 HAVING NOT bool_or(l.merged)) p),
            'merged_prs', (SELECT coalesce(jsonb_agg(p.pr ORDER BY p.first_merged), '[]')
                             FROM (SELECT l.pr, min(l.n) AS first_merged
                                     FROM unnest(p_acc.pr_numbers, p_acc.pr_merged) WITH ORDINALITY AS l (pr, merged, n)
                                    WHERE l.merged
                                    GROUP BY l.pr) p)),
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
            'planned_epics', (SELECT coalesce(jsonb_agg(p.epic_id ORDER BY p.first_planned), '[]')
                                FROM (SELECT l.epic_id, min(l.n) AS first_planned
                                        FROM unnest(p_acc.planned_epics) WITH ORDINALITY AS l (epic_id, n)
                                       GROUP BY l.epic_id) p),
            'feature_requests', p_acc.feature_requests, 'tasks_spawned', p_acc.tasks_spawned))
$$;

COMMENT ON FUNCTION event_store._fold_final(event_store._fold_acc) IS
    'Internal: the jsonb state (every key present) from a running _fold_acc; builds the epics map and '
    'the pull-request and planned-epic lists from their logs.';

REVOKE ALL ON FUNCTION event_store._fold_final(event_store._fold_acc) FROM PUBLIC;

COMMIT;
