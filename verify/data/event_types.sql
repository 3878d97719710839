-- Verify supervisor_event_store:data/event_types on pg

BEGIN;

SELECT 1 / (COUNT(*) = 23)::int
  FROM event_store.event_types
 WHERE event_type IN (
    'instance_registered', 'instance_heartbeat', 'instance_stale',
    'epic_started', 'epic_completed', 'epic_failed',
    'test_started', 'test_passed', 'test_failed', 'validation_passed', 'validation_failed',
    'commit_created', 'pr_created', 'pr_merged',
    'deployment_started', 'deployment_completed', 'deployment_failed',
    'context_window_updated', 'checkpoint_created', 'checkpoint_loaded',
    'epic_planned', 'feature_requested', 'task_spawned');

ROLLBACK;
