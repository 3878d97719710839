-- Revert supervisor_event_store:functions/_store_snapshot from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from functions/_replay at @v0.3.0).

BEGIN;

/*
 * Stores p_acc (the state after sequence_num p_acc.last_sequence_num of p_instance_id) as a
 * snapshot of the current fold version, with the event it was taken at. Returns the snapshot
 * (the existing one when that version and sequence number already have one).
 */
CREATE OR REPLACE FUNCTION event_store._store_snapshot(
    p_instance_id text,
    p_acc         event_store._fold_acc
)
    RETURNS event_store.snapshots
    LANGUAGE plpgsql
    VOLATILE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_snapshot event_store.snapshots;
BEGIN
    INSERT INTO event_store.snapshots AS s (instance_id, sequence_num, event_id, fold_version, state)
    SELECT e.instance_id, e.sequence_num, e.event_id, event_store._fold_version(), pg_catalog.to_jsonb(p_acc)
      FROM event_store.events e
     WHERE e.instance_id = p_instance_id AND e.sequence_num = p_acc.last_sequence_num
    ON CONFLICT (instance_id, fold_version, sequence_num) DO NOTHING
    RETURNING * INTO v_snapshot;
    IF NOT FOUND THEN
        SELECT * INTO v_snapshot
          FROM event_store.snapshots s
         WHERE s.instance_id = p_instance_id AND s.fold_version = event_store._fold_version()
           AND s.sequence_num = p_acc.last_sequence_num;
    END IF;
    RETURN v_snapshot;
END
$$;

COMMENT ON FUNCTION event_store._store_snapshot(text, event_store._fold_acc) IS
    'Internal: store a running fold state as a snapshot at its last_sequence_num (idempotent per '
    'instance, fold version and sequence number); returns the snapshot row.';

REVOKE ALL ON FUNCTION event_store._store_snapshot(text, event_store._fold_acc) FROM PUBLIC;

COMMIT;
