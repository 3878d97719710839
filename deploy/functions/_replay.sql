-- Deploy supervisor_event_store:functions/_replay to pg
-- requires: tables/snapshots
-- requires: functions/_fold_apply
-- requires: functions/_instance_head
-- requires: functions/_replay@v0.3.0
-- requires: functions/_fold_initial
-- requires: functions/_fold_version

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

COMMIT;
