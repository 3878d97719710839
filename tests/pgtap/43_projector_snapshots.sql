-- The projector's snapshots (issue 12): project_snapshots (signature, privileges, ES006), which
-- instances it snapshots and where (the furthest behind first, at most 20,000 events per step),
-- that replay_events then folds at most p_every events and still equals fold_state over the rows,
-- and its pruning: each instance keeps its newest snapshot and the first of each 10,000 sequence
-- numbers, nothing in between, and snapshots of other fold versions are left alone.
-- Everything rolls back.
BEGIN;
SELECT plan(22);

SELECT has_function('event_store', 'project_snapshots', ARRAY['integer', 'integer']);
SELECT is_definer('event_store', 'project_snapshots', ARRAY['integer', 'integer']);
SELECT is((SELECT pg_get_function_arg_default(p.oid, 1) || ' ' || pg_get_function_arg_default(p.oid, 2)
             FROM pg_proc p WHERE p.oid = 'event_store.project_snapshots(int, int)'::regprocedure),
          '200 10', 'every 200 events, 10 instances a call, by default');
SELECT ok(has_function_privilege('event_store_admin', 'event_store.project_snapshots(int, int)', 'EXECUTE')
          AND NOT has_function_privilege('event_store_writer', 'event_store.project_snapshots(int, int)', 'EXECUTE')
          AND NOT has_function_privilege('event_store_reader', 'event_store.project_snapshots(int, int)', 'EXECUTE'),
          'only the admin runs it');
SELECT throws_ok($$SELECT event_store.project_snapshots(0)$$, 'ES006', 'invalid every 0: must be between 1 and 1000000',
                 'every 0 is ES006');
SELECT throws_ok($$SELECT event_store.project_snapshots(200, 0)$$, 'ES006', 'invalid limit 0: must be between 1 and 10000',
                 'limit 0 is ES006');

-- Events in batches of up to 1,000 task_spawned (the fold counts them).
CREATE FUNCTION pg_temp.emit(p_instance text, p_count int) RETURNS bigint LANGUAGE sql AS $$
    SELECT max(r.sequence_num) FROM generate_series(0, (p_count - 1) / 1000) b,
           LATERAL event_store.emit_events(p_instance,
               (SELECT jsonb_agg(jsonb_build_object('event_type', 'task_spawned',
                                                    'event_data', jsonb_build_object('task_id', 'T-' || b || '-' || g,
                                                                                     'task_type', 'unit')))
                  FROM generate_series(1, least(1000, p_count - b * 1000)) g)) r
$$;
CREATE FUNCTION pg_temp.kept(p_instance text) RETURNS bigint[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(s.sequence_num ORDER BY s.sequence_num), '{}') FROM event_store.snapshots s
     WHERE s.instance_id = p_instance AND s.fold_version = event_store._fold_version()
$$;
CREATE FUNCTION pg_temp.folds_right(p_instance text, p_to bigint DEFAULT NULL) RETURNS boolean LANGUAGE sql AS $$
    SELECT (SELECT r.final_state FROM event_store.replay_events(p_instance, p_to) r)
           = (SELECT event_store.fold_state(e ORDER BY e.sequence_num) FROM event_store.events e
               WHERE e.instance_id = p_instance AND (p_to IS NULL OR e.sequence_num <= p_to))
$$;

SELECT event_store.register_instance(i, 'PS', 'snap') FROM unnest(ARRAY['snap-PS-small', 'snap-PS-few', 'snap-PS-long']) i;
SELECT is(pg_temp.emit('snap-PS-small', 450), 451::bigint, 'snap-PS-small: 450 events after its registration');
SELECT pg_temp.emit('snap-PS-few', 150);
SELECT is(pg_temp.emit('snap-PS-long', 25000), 25001::bigint, 'snap-PS-long: 25,000');

SELECT is(event_store.project_snapshots(200, 1), 1, 'one instance a call with limit 1');
SELECT is(pg_temp.kept('snap-PS-long'), ARRAY[20000]::bigint[], 'the furthest behind first, at most 20,000 events in one step');
SELECT is(event_store.project_snapshots(), 2, 'then the two instances still 200 or more behind');
SELECT is(pg_temp.kept('snap-PS-long') || pg_temp.kept('snap-PS-small') || pg_temp.kept('snap-PS-few'),
          ARRAY[20000, 25001, 451]::bigint[],
          'at their heads; snap-PS-few (151 events) is not 200 behind; 20,000 stays (the first of 10,001-20,000)');
SELECT is(event_store.project_snapshots(), 0, 'nothing left to do');
SELECT is((SELECT r.events_replayed FROM event_store.replay_events('snap-PS-long') r), 0::bigint,
          'replay of snap-PS-long folds nothing past the snapshot at its head');
SELECT ok(pg_temp.folds_right('snap-PS-long'), 'and equals fold_state over its rows');

-- Pruning across buckets of 10,000: a snapshot after every 1,000 more events, up to 12,000 more.
SELECT event_store.register_instance('snap-PS-prune', 'PS', 'snap');
INSERT INTO event_store.snapshots (instance_id, sequence_num, event_id, fold_version, state)
SELECT 'snap-PS-prune', 1, e.event_id, 0, '{"kind": "an older fold version"}'
  FROM event_store.events e WHERE e.instance_id = 'snap-PS-prune' AND e.sequence_num = 1;
CREATE TEMP TABLE kept_after AS SELECT 0 AS step, '{}'::bigint[] AS kept WHERE false;
DO $$
BEGIN
    FOR step IN 1 .. 12 LOOP
        PERFORM pg_temp.emit('snap-PS-prune', 1000);
        PERFORM event_store.project_snapshots(1000, 10);
        INSERT INTO kept_after VALUES (step, pg_temp.kept('snap-PS-prune'));
    END LOOP;
END
$$;
SELECT is((SELECT kept FROM kept_after WHERE step = 3), ARRAY[1001, 3001]::bigint[],
          'after 3: the first of 1-10,000 and the newest (2,001 pruned)');
SELECT is((SELECT kept FROM kept_after WHERE step = 9), ARRAY[1001, 9001]::bigint[],
          'after 9: the first of 1-10,000 and the newest');
SELECT is((SELECT kept FROM kept_after WHERE step = 10), ARRAY[1001, 10001]::bigint[],
          'after 10: 10,001 opens the next 10,000');
SELECT is((SELECT kept FROM kept_after WHERE step = 12), ARRAY[1001, 10001, 12001]::bigint[],
          'after 12: the first of each 10,000 and the newest');
SELECT is((SELECT count(*) FROM event_store.snapshots s WHERE s.instance_id = 'snap-PS-prune' AND s.fold_version = 0),
          1::bigint, 'a snapshot of another fold version is left alone');
SELECT ok(pg_temp.folds_right('snap-PS-prune', 5000), 'a replay to 5,000 (from the snapshot at 1,001) equals fold_state');
SELECT ok(pg_temp.folds_right('snap-PS-prune', 11500) AND pg_temp.folds_right('snap-PS-prune'),
          'to 11,500 and to the head too');

SELECT * FROM finish();
ROLLBACK;
