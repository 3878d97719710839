-- Sqitch upgrade check (make test-sqitch): run after deploying to each release tag in turn, so the
-- stream of upgrade-PS-1 is written by every released version of the code. Idempotent per tag.
\set ON_ERROR_STOP on
SELECT event_store.register_instance('upgrade-PS-1', 'PS', 'upgrade')
 WHERE NOT EXISTS (SELECT FROM event_store.instances WHERE instance_id = 'upgrade-PS-1');
SELECT event_store.emit_event('upgrade-PS-1', 'epic_started', jsonb_build_object('epic_id', 'E-' || :'tag'));
SELECT event_store.emit_events('upgrade-PS-1',
    jsonb_build_array(jsonb_build_object('event_type', 'epic_completed', 'event_data', jsonb_build_object('epic_id', 'E-' || :'tag'))));
-- From @v0.5.0 on, the projector applies what it can (below the horizon), so the upgrade meets a
-- fleet projection with rows (@v0.7.0 fills fleet_type_counts.min_global_position from them).
DO $$
BEGIN
    IF to_regprocedure('event_store.project_fleet(int)') IS NOT NULL THEN
        EXECUTE 'SELECT event_store.project_fleet(1000)';
    END IF;
END
$$;
