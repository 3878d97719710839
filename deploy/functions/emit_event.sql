-- Deploy supervisor_event_store:functions/emit_event to pg
-- requires: functions/_validate_event
-- requires: tables/events
-- requires: roles/event_store_writer
-- requires: functions/_lock_stream
-- requires: columns/instances_last_feed_key
-- requires: functions/_check_emit_arguments
-- requires: functions/_instance_not_found
-- requires: functions/_json_within_limits
-- requires: functions/_sequence_conflict
-- requires: functions/_is_instance_id
-- requires: functions/_event_id_reused
-- requires: tables/stream_locks

BEGIN;

/*
 * Appends one event to an instance's stream.
 *
 * Sequencing: the instance row is the stream head. UPDATE ... RETURNING locks it until commit and
 * hands out last_sequence_num + 1, so numbers are gap-free (a rollback undoes the increment too)
 * and emits to different instances never wait for each other. Before the row, the stream lock
 * (_lock_stream): emits to one busy instance queue there in order.
 * The same UPDATE bumps the head's feed key (instances.last_feed_key = greatest(itself, own
 * transaction id)) and the event stores it as feed_key: the change-feed order of read_all.
 *
 * Idempotency: with p_event_id, a retry of an event already stored with the same instance, type,
 * data and metadata returns the stored row and writes nothing; the same id with other content is
 * ES007. The check comes before the expected-sequence check, so a retried emit that carries
 * p_expected_sequence still succeeds after its first attempt committed.
 *
 * Refused at the door: instance_registered, instance_heartbeat and instance_stale (ES006, they
 * are written only by register_instance, heartbeat and mark_stale_instances), and data or
 * metadata nested deeper than 32 levels or holding a number over 64 characters (ES003 / ES006;
 * the inlined _json_within_limits test runs in the append statement, the precise one only when
 * it fails).
 */
CREATE OR REPLACE FUNCTION event_store.emit_event(
    p_instance_id       text,
    p_event_type        text,
    p_event_data        jsonb,
    p_metadata          jsonb  DEFAULT NULL,
    p_event_id          uuid   DEFAULT NULL,
    p_expected_sequence bigint DEFAULT NULL
)
    RETURNS TABLE (event_id uuid, sequence_num bigint, "timestamp" timestamptz)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_metadata       jsonb := coalesce(p_metadata, '{}');
    v_existing       event_store.events;
    v_instance_found boolean;
    v_checked        boolean := false;
    v_valid          boolean;
BEGIN
    -- One cheap test on the hot path; the wordy checks run only when something may be wrong.
    IF NOT event_store._is_instance_id(p_instance_id) OR p_expected_sequence < 0
       OR jsonb_typeof(p_metadata) <> 'object' OR pg_column_size(p_metadata) > 1048576
       OR NOT event_store._json_within_limits(p_metadata) THEN
        PERFORM event_store._check_emit_arguments(p_instance_id, p_metadata, p_expected_sequence);
    END IF;
    -- Lifecycle events come only from register_instance, heartbeat and mark_stale_instances.
    IF p_event_type IN ('instance_registered', 'instance_heartbeat', 'instance_stale') THEN
        PERFORM event_store._check_lifecycle_emit(p_event_type);
    END IF;

    -- The stream lock first (FIFO for a hot stream, one lock order everywhere), then the row.
    -- _lock_stream's statement, inline: a PL/pgSQL call per emit cost more than the lock itself
    -- (docs/benchmarks.md); _lock_stream also makes a missing lock row (a new instance).
    PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM event_store._lock_stream(p_instance_id);
    END IF;

    IF p_event_id IS NOT NULL THEN
        -- Serialise with other emits to this instance first, so a concurrent retry is seen.
        PERFORM 1 FROM event_store.instances i WHERE i.instance_id = p_instance_id FOR NO KEY UPDATE;
        v_instance_found := FOUND;
        SELECT * INTO v_existing FROM event_store.events e WHERE e.event_id = p_event_id;
        IF FOUND THEN
            IF v_existing.instance_id = p_instance_id AND v_existing.event_type = p_event_type
               AND v_existing.event_data = p_event_data AND v_existing.metadata = v_metadata THEN
                event_id := v_existing.event_id;
                sequence_num := v_existing.sequence_num;
                "timestamp" := v_existing."timestamp";
                RETURN NEXT;
                RETURN;
            END IF;
            PERFORM event_store._event_id_reused(p_event_id, v_existing);
        END IF;
    END IF;

    /*
     * One statement appends: bump the stream head (taking the instance's lock until commit) and
     * insert under it, the timestamp read after the lock is held so it never decreases along the
     * sequence. The head is bumped only if the data passes the type's compiled validator
     * (event_types.validator, a jsonpath predicate). If nothing was appended, either the data is
     * invalid (_validate_event raises the precise ES001/ES003/ES006), or the validator was stricter
     * than needed (append again without it), or the instance does not exist (ES002).
     * The statement is written twice, on purpose: without p_event_id the default makes the id and a
     * plain INSERT suffices; with it, ON CONFLICT (event_id) DO NOTHING turns a concurrent retry of
     * the same id into "nothing appended" (then ES007 or the stored row) instead of a bare 23505,
     * and a speculative insertion is not free. Change both together.
     */
    LOOP
        IF p_event_id IS NULL THEN
            WITH head AS (
                UPDATE event_store.instances i
                   SET last_sequence_num = i.last_sequence_num + 1,
                       last_feed_key = greatest(i.last_feed_key, pg_current_xact_id())   -- feed order
                 WHERE i.instance_id = p_instance_id
                   AND (v_checked OR EXISTS (SELECT FROM event_store.event_types et
                                              WHERE et.event_type = p_event_type AND p_event_data @@ et.validator
                                                AND pg_column_size(p_event_data) <= 1048576
                                                AND event_store._json_within_limits(p_event_data)))
                RETURNING i.last_sequence_num AS seq, i.last_feed_key AS fk
            )
            INSERT INTO event_store.events AS e
                   (instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at, updated_at,
                    feed_key)
            SELECT p_instance_id, p_event_type, h.seq, h.ts, p_event_data, v_metadata, h.ts, h.ts, h.fk
              FROM (SELECT head.seq, head.fk, clock_timestamp() AS ts FROM head) h
            RETURNING e.event_id, e.sequence_num, e."timestamp" INTO event_id, sequence_num, "timestamp";
        ELSE
            WITH head AS (
                UPDATE event_store.instances i
                   SET last_sequence_num = i.last_sequence_num + 1,
                       last_feed_key = greatest(i.last_feed_key, pg_current_xact_id())   -- feed order
                 WHERE i.instance_id = p_instance_id
                   AND (v_checked OR EXISTS (SELECT FROM event_store.event_types et
                                              WHERE et.event_type = p_event_type AND p_event_data @@ et.validator
                                                AND pg_column_size(p_event_data) <= 1048576
                                                AND event_store._json_within_limits(p_event_data)))
                RETURNING i.last_sequence_num AS seq, i.last_feed_key AS fk
            )
            INSERT INTO event_store.events AS e
                   (event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
                    created_at, updated_at, feed_key)
            SELECT p_event_id, p_instance_id, p_event_type, h.seq, h.ts, p_event_data, v_metadata, h.ts, h.ts, h.fk
              FROM (SELECT head.seq, head.fk, clock_timestamp() AS ts FROM head) h
            ON CONFLICT (event_id) DO NOTHING
            RETURNING e.event_id, e.sequence_num, e."timestamp" INTO event_id, sequence_num, "timestamp";
        END IF;
        EXIT WHEN FOUND;
        IF v_checked THEN
            IF p_event_id IS NOT NULL AND v_instance_found THEN
                -- Another instance stored the same p_event_id while we held this instance's lock.
                PERFORM event_store._event_id_reused(p_event_id);
            END IF;
            PERFORM event_store._instance_not_found(p_instance_id);
        END IF;
        v_valid := event_store._validate_event(p_event_type, p_event_data);  -- raises ES001/ES003/ES006
        v_checked := true;
    END LOOP;

    -- Raising here rolls the append back with the rest of the call.
    IF p_expected_sequence IS NOT NULL AND sequence_num - 1 <> p_expected_sequence THEN
        PERFORM event_store._sequence_conflict(p_instance_id, p_expected_sequence, sequence_num - 1);
    END IF;
    RETURN NEXT;
END
$$;

COMMENT ON FUNCTION event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint) IS
    'Append one event to an instance''s stream and return (event_id, sequence_num, timestamp). '
    'Sequence numbers start at 1 per instance and are gap-free under any concurrency. '
    'p_metadata: optional JSON object. p_event_id: optional client id that makes retries idempotent. '
    'p_expected_sequence: optional optimistic-concurrency check (0 = no events yet). '
    'Errors: ES001 unknown type, ES002 unknown instance, ES003 invalid event_data (also: nested deeper than '
    '32 levels, a number over 64 characters), ES004 expected sequence mismatch, ES006 invalid argument (also: '
    'a lifecycle type, a type name over 63 characters), ES007 event_id reused with other content.';

REVOKE ALL ON FUNCTION event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint) TO event_store_writer;

COMMIT;
