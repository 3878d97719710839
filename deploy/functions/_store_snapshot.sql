-- Deploy supervisor_event_store:functions/_store_snapshot to pg
-- requires: tables/snapshots
-- requires: functions/_fold_version

-- Moved here from functions/_replay (issue 14: one function, one change). Its first definition stays in
-- functions/_replay's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * Stores p_acc (the state after sequence_num p_acc.last_sequence_num of p_instance_id) as a
 * snapshot of the current fold version, attached to p_event_id: the event the fold read at that
 * sequence number (_replay's last_event_id). Attaching it to whatever event holds that number
 * now, read under a newer snapshot, stored the state of a stream that had been reset and written
 * again in between (issue 10). The foreign key then keeps the pair true: the insert key-share
 * locks that event, so a concurrent reset (delete_events_for_instance) waits for this
 * transaction and its cascade deletes the snapshot too; an event already deleted means the
 * stream was reset after the fold: no snapshot is stored and NULL is returned (never a 23503).
 * Returns the snapshot (the existing one when that version and sequence number already have one).
 * The @v0.3.0 two-argument form is dropped, not kept: it is exactly the unsafe lookup.
 */
CREATE OR REPLACE FUNCTION event_store._store_snapshot(
    p_instance_id text,
    p_acc         event_store._fold_acc,
    p_event_id    uuid
)
    RETURNS event_store.snapshots
    LANGUAGE plpgsql
    VOLATILE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_snapshot event_store.snapshots;
    v_event_id uuid := p_event_id;
BEGIN
    IF v_event_id IS NULL THEN
        RETURN NULL;                                     -- no event folded: nothing to attach to
    END IF;
    BEGIN
        INSERT INTO event_store.snapshots AS s (instance_id, sequence_num, event_id, fold_version, state)
        VALUES (p_instance_id, p_acc.last_sequence_num, v_event_id, event_store._fold_version(),
                pg_catalog.to_jsonb(p_acc))
        ON CONFLICT (instance_id, fold_version, sequence_num) DO NOTHING
        RETURNING * INTO v_snapshot;
    EXCEPTION WHEN foreign_key_violation THEN
        RETURN NULL;                                     -- the event is gone: reset since the fold
    END;
    IF v_snapshot.snapshot_id IS NULL THEN
        SELECT * INTO v_snapshot
          FROM event_store.snapshots s
         WHERE s.instance_id = p_instance_id AND s.fold_version = event_store._fold_version()
           AND s.sequence_num = p_acc.last_sequence_num AND s.event_id = v_event_id;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    RETURN v_snapshot;
END
$$;

COMMENT ON FUNCTION event_store._store_snapshot(text, event_store._fold_acc, uuid) IS
    'Internal: store a running fold state as a snapshot attached to the event the fold read at its '
    'last_sequence_num (idempotent per instance, fold version and sequence number); returns the snapshot '
    'row, or NULL when that event was deleted since (the stream was reset).';

REVOKE ALL ON FUNCTION event_store._store_snapshot(text, event_store._fold_acc, uuid) FROM PUBLIC;

COMMIT;
