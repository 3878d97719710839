-- Deploy supervisor_event_store:functions/create_snapshot to pg
-- requires: functions/_replay
-- requires: roles/event_store_writer
-- requires: functions/_store_snapshot

BEGIN;

/*
 * Takes a snapshot of an instance's state at its current head (folding from the newest earlier
 * snapshot) so later replays start there. Idempotent: a second call at the same head returns
 * the same snapshot. The snapshot is attached to the event the fold read last (_replay's
 * last_event_id), so it always describes the events it is attached to; when the stream was reset
 * between the fold and the insert, the fold runs again on the new stream (up to three times,
 * then ES004), never a bare 23503.
 */
CREATE OR REPLACE FUNCTION event_store.create_snapshot(
    p_instance_id text
)
    RETURNS TABLE (snapshot_id bigint, instance_id text, sequence_num bigint, fold_version int,
                   events_replayed bigint, created_at timestamptz)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_replay   record;
    v_snapshot event_store.snapshots;
    v_attempt  int;
BEGIN
    FOR v_attempt IN 1 .. 3 LOOP
        v_replay := event_store._replay(p_instance_id, NULL);
        IF v_replay.to_sequence_num = 0 THEN
            RAISE EXCEPTION 'instance "%" has no events to snapshot', p_instance_id
                USING ERRCODE = 'ES006', HINT = 'Emit events first; a snapshot is taken at the last event.';
        END IF;
        v_snapshot := event_store._store_snapshot(p_instance_id, v_replay.acc, v_replay.last_event_id);
        EXIT WHEN v_snapshot.snapshot_id IS NOT NULL;
    END LOOP;
    IF v_snapshot.snapshot_id IS NULL THEN
        RAISE EXCEPTION 'instance "%" was reset while its snapshot was being taken', p_instance_id
            USING ERRCODE = 'ES004',
                  HINT = 'Its events were deleted and written again meanwhile (delete_events_for_instance); retry.';
    END IF;
    RETURN QUERY
    SELECT v_snapshot.snapshot_id, v_snapshot.instance_id::text, v_snapshot.sequence_num,
           v_snapshot.fold_version, v_replay.events_replayed, v_snapshot.created_at;
END
$$;

COMMENT ON FUNCTION event_store.create_snapshot(text) IS
    'Snapshot an instance''s folded state at its head; returns (snapshot_id, instance_id, sequence_num, '
    'fold_version, events_replayed = events read to build it, created_at). Idempotent per head. '
    'Errors: ES002 unknown instance, ES004 the instance was reset during three attempts, '
    'ES006 invalid instance id or no events yet.';

REVOKE ALL ON FUNCTION event_store.create_snapshot(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.create_snapshot(text) TO event_store_writer;

COMMIT;
