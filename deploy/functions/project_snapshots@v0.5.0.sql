-- Deploy supervisor_event_store:functions/project_snapshots to pg
-- requires: tables/snapshots
-- requires: tables/instances
-- requires: functions/_replay
-- requires: functions/_store_snapshot
-- requires: functions/_fold_version
-- requires: roles/event_store_admin

BEGIN;

/*
 * Snapshots kept by the projector, so replay_events of any instance folds at most about p_every
 * events after its newest snapshot, whatever the history's length, with nothing to configure
 * (issue 12). Takes up to p_limit instances whose head is p_every or more events past their
 * newest snapshot of the current fold version, the furthest behind first, and stores for each the
 * state at most 20,000 events past that snapshot (a long history is caught up in steps, so one
 * call never folds for long). Returns how many snapshots it stored.
 * Same fold and same attachment as create_snapshot (_replay, _store_snapshot): a snapshot always
 * describes the event it is attached to; an instance reset meanwhile gets none this time.
 * Finding the instances costs one probe of the snapshots index per instance: run_projector calls
 * this about once a second, not per batch.
 */
CREATE OR REPLACE FUNCTION event_store.project_snapshots(
    p_every int DEFAULT 500,
    p_limit int DEFAULT 10
)
    RETURNS int
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_version int := event_store._fold_version();
    v_id      text;
    v_target  bigint;
    v_replay  record;
    v_stored  event_store.snapshots;
    v_n       int := 0;
BEGIN
    IF p_every IS NULL OR p_every NOT BETWEEN 1 AND 1000000 THEN
        RAISE EXCEPTION 'invalid every %: must be between 1 and 1000000', coalesce(p_every::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'The default, 500, keeps every replay under a few milliseconds.';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'invalid limit %: must be between 1 and 10000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Call again for more instances.';
    END IF;
    FOR v_id, v_target IN
        SELECT i.instance_id, least(i.last_sequence_num, coalesce(s.seq, 0) + 20000)
          FROM event_store.instances i
          LEFT JOIN LATERAL (SELECT max(x.sequence_num) AS seq FROM event_store.snapshots x
                              WHERE x.instance_id = i.instance_id AND x.fold_version = v_version) s ON true
         WHERE i.last_sequence_num >= coalesce(s.seq, 0) + p_every
         ORDER BY i.last_sequence_num - coalesce(s.seq, 0) DESC, i.instance_id
         LIMIT p_limit
    LOOP
        v_replay := event_store._replay(v_id, v_target);
        IF v_replay.to_sequence_num > 0 THEN
            v_stored := event_store._store_snapshot(v_id, v_replay.acc, v_replay.last_event_id);
            IF v_stored.snapshot_id IS NOT NULL THEN
                v_n := v_n + 1;
            END IF;
        END IF;
    END LOOP;
    RETURN v_n;
END
$$;

COMMENT ON FUNCTION event_store.project_snapshots(int, int) IS
    'Admin (the projector): store snapshots for up to p_limit (default 10) instances whose head is p_every '
    '(default 500) or more events past their newest snapshot, at most 20,000 events further each; returns how '
    'many. Keeps replay_events short for any history. Errors: ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.project_snapshots(int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.project_snapshots(int, int) TO event_store_admin;

COMMIT;
