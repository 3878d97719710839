-- Revert supervisor_event_store:functions/_replay from pg: restores the @v0.3.0 versions.
-- requires: tables/snapshots
-- requires: functions/_fold_apply
-- requires: functions/_instance_head

BEGIN;

DROP FUNCTION event_store._replay(text, bigint);
DROP FUNCTION event_store._store_snapshot(text, event_store._fold_acc, uuid);

/*
 * Folds an instance's events up to p_to_sequence_num (all when NULL) into the running state,
 * starting from the newest snapshot of the current fold version at or below the target. Events
 * are read in keyset chunks of 10,000 (sequence numbers have no gaps), so memory stays bounded
 * and the time depends only on the events after the snapshot. Raises ES006 / ES002.
 * Consistency: the head is read first and only events at or below it are folded; an emit
 * commits its events and the head together, so every event up to the head is visible.
 */
CREATE OR REPLACE FUNCTION event_store._replay(
    p_instance_id      text,
    p_to_sequence_num  bigint,
    OUT acc            event_store._fold_acc,
    OUT events_replayed bigint,
    OUT to_sequence_num bigint
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

    SELECT s.state, s.sequence_num
      INTO v_state, v_from
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
        v_from := v_upto;
    END LOOP;
    acc.instance_id := p_instance_id;
END
$$;

COMMENT ON FUNCTION event_store._replay(text, bigint) IS
    'Internal: the running fold state of an instance up to a sequence number (NULL = head), from the '
    'newest usable snapshot; also returns how many events were read and the sequence reached. '
    'Raises ES002, ES006.';

REVOKE ALL ON FUNCTION event_store._replay(text, bigint) FROM PUBLIC;

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
