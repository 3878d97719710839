-- Deploy supervisor_event_store:functions/_replay to pg
-- requires: tables/snapshots
-- requires: functions/_fold_apply
-- requires: functions/_instance_head
-- requires: functions/_replay@v0.3.0

BEGIN;

-- The OUT columns and _store_snapshot's arguments change: drop the old versions first.
DROP FUNCTION event_store._replay(text, bigint);
DROP FUNCTION event_store._store_snapshot(text, event_store._fold_acc);

/*
 * Folds an instance's events up to p_to_sequence_num (all when NULL) into the running state,
 * starting from the newest snapshot of the current fold version at or below the target. Events
 * are read in keyset chunks of 10,000 (sequence numbers have no gaps), so memory stays bounded
 * and the time depends only on the events after the snapshot. Raises ES006 / ES002.
 * Consistency: the head is read first and only events at or below it are folded; an emit
 * commits its events and the head together, so every event up to the head is visible.
 * last_event_id is the event at to_sequence_num as this fold saw it (NULL when there is none):
 * _store_snapshot attaches a snapshot to exactly that event. The function is STABLE, so every
 * read here uses its caller's snapshot: the state and last_event_id describe the same stream.
 */
CREATE OR REPLACE FUNCTION event_store._replay(
    p_instance_id      text,
    p_to_sequence_num  bigint,
    OUT acc            event_store._fold_acc,
    OUT events_replayed bigint,
    OUT to_sequence_num bigint,
    OUT last_event_id   uuid
)
    LANGUAGE plpgsql
    STABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_head  bigint;
    v_from  bigint := 0;
    v_upto  bigint;
    v_chunk event_store.events[];
    v_state jsonb;
BEGIN
    IF p_to_sequence_num < 0 THEN
        RAISE EXCEPTION 'to_sequence_num must be 0 or more, got %', p_to_sequence_num
            USING ERRCODE = 'ES006', HINT = 'Pass a sequence number to replay up to, or NULL for all events.';
    END IF;
    v_head := event_store._instance_head(p_instance_id);
    to_sequence_num := least(coalesce(p_to_sequence_num, v_head), v_head);

    SELECT s.state, s.sequence_num, s.event_id
      INTO v_state, v_from, last_event_id
      FROM event_store.snapshots s
     WHERE s.instance_id = p_instance_id
       AND s.fold_version = event_store._fold_version()
       AND s.sequence_num <= to_sequence_num
     ORDER BY s.sequence_num DESC
     LIMIT 1;
    IF FOUND THEN
        acc := pg_catalog.jsonb_populate_record(NULL::event_store._fold_acc, v_state);
    ELSE
        acc := event_store._fold_initial();
        v_from := 0;
    END IF;

    events_replayed := 0;
    WHILE v_from < to_sequence_num LOOP
        v_upto := least(v_from + 10000, to_sequence_num);
        v_chunk := ARRAY(SELECT e FROM event_store.events e
                          WHERE e.instance_id = p_instance_id
                            AND e.sequence_num > v_from AND e.sequence_num <= v_upto
                          ORDER BY e.sequence_num);
        acc := event_store._fold_apply(acc, v_chunk);
        events_replayed := events_replayed + cardinality(v_chunk);
        IF cardinality(v_chunk) > 0 THEN
            last_event_id := (v_chunk[cardinality(v_chunk)]).event_id;
        END IF;
        v_from := v_upto;
    END LOOP;
    acc.instance_id := p_instance_id;
END
$$;

COMMENT ON FUNCTION event_store._replay(text, bigint) IS
    'Internal: the running fold state of an instance up to a sequence number (NULL = head), from the '
    'newest usable snapshot; also returns how many events were read, the sequence reached and the id of the '
    'event there. '
    'Raises ES002, ES006.';

REVOKE ALL ON FUNCTION event_store._replay(text, bigint) FROM PUBLIC;

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
