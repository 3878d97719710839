-- Revert supervisor_event_store:functions/emit_event from pg: restores the @v0.3.0 version (no feed key, no input limits, lifecycle types allowed).

BEGIN;

/*
 * Raises ES006 unless p_instance_id is a well-formed instance id. Shared by every function that
 * takes an instance id, so the message is the same everywhere.
 */
CREATE OR REPLACE FUNCTION event_store._check_instance_id(
    p_instance_id text
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF p_instance_id IS NULL THEN
        RAISE EXCEPTION 'instance_id must not be null'
            USING ERRCODE = 'ES006', HINT = 'Pass the id the instance registered with, e.g. ''odin-PS-8f4a2b''.';
    END IF;
    IF p_instance_id !~ '^[A-Za-z0-9_.-]{1,32}$' THEN
        RAISE EXCEPTION 'invalid instance_id "%": use 1-32 characters of A-Z, a-z, 0-9, "_", "." and "-"',
                        left(p_instance_id, 64)
            USING ERRCODE = 'ES006', HINT = 'For example ''odin-PS-8f4a2b''.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_instance_id(text) IS
    'Internal: raises ES006 when an instance id is null or not 1-32 characters of [A-Za-z0-9_.-].';

REVOKE ALL ON FUNCTION event_store._check_instance_id(text) FROM PUBLIC;

/* Raises ES002 for an instance id that is not registered. */
CREATE OR REPLACE FUNCTION event_store._instance_not_found(
    p_instance_id text
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'instance "%" not found', p_instance_id
        USING ERRCODE = 'ES002',
              HINT = 'Register it first with event_store.register_instance(instance_id, instance_type, project).';
END
$$;

COMMENT ON FUNCTION event_store._instance_not_found(text) IS 'Internal: raises ES002 for an unknown instance.';

REVOKE ALL ON FUNCTION event_store._instance_not_found(text) FROM PUBLIC;

/* Raises ES004: the stream's last sequence number is not the one the caller expected. */
CREATE OR REPLACE FUNCTION event_store._sequence_conflict(
    p_instance_id text,
    p_expected    bigint,
    p_actual      bigint
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'expected sequence mismatch for instance "%": expected %, actual %',
                    p_instance_id, p_expected, p_actual
        USING ERRCODE = 'ES004',
              DETAIL = format('expected=%s actual=%s', p_expected, p_actual),
              HINT = 'Another writer appended first. Read the new events, decide again, and retry '
                     'with the current last sequence_num.';
END
$$;

COMMENT ON FUNCTION event_store._sequence_conflict(text, bigint, bigint) IS
    'Internal: raises ES004 (expected sequence mismatch) with expected and actual.';

REVOKE ALL ON FUNCTION event_store._sequence_conflict(text, bigint, bigint) FROM PUBLIC;

/*
 * Raises ES006 for a bad instance id, metadata that is not a JSON object of at most 1 MiB, or a
 * negative expected sequence. emit_event calls it only when a cheap test says it might fail.
 */
CREATE OR REPLACE FUNCTION event_store._check_emit_arguments(
    p_instance_id       text,
    p_metadata          jsonb,
    p_expected_sequence bigint
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    IF jsonb_typeof(p_metadata) <> 'object' THEN
        RAISE EXCEPTION 'metadata must be a JSON object, got %', jsonb_typeof(p_metadata)
            USING ERRCODE = 'ES006', HINT = 'Pass an object such as {"source": "cli"}, or NULL.';
    END IF;
    IF pg_column_size(p_metadata) > 1048576 THEN
        RAISE EXCEPTION 'metadata is % bytes, over the 1 MiB cap', pg_column_size(p_metadata)
            USING ERRCODE = 'ES006', HINT = 'Keep metadata small; store large payloads elsewhere.';
    END IF;
    IF p_expected_sequence < 0 THEN
        RAISE EXCEPTION 'expected_sequence must be 0 or more, got %', p_expected_sequence
            USING ERRCODE = 'ES006', HINT = 'Use 0 for "no events yet", or the last sequence_num you read.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_emit_arguments(text, jsonb, bigint) IS
    'Internal: raises ES006 for a bad instance id, non-object or oversized metadata, or a negative '
    'expected sequence.';

REVOKE ALL ON FUNCTION event_store._check_emit_arguments(text, jsonb, bigint) FROM PUBLIC;

/*
 * Appends one event to an instance's stream.
 *
 * Sequencing: the instance row is the stream head. UPDATE ... RETURNING locks it until commit and
 * hands out last_sequence_num + 1, so numbers are gap-free (a rollback undoes the increment too)
 * and emits to different instances never wait for each other. Before the row, the stream lock
 * (_lock_stream): emits to one busy instance queue there in order.
 *
 * Idempotency: with p_event_id, a retry of an event already stored with the same instance, type,
 * data and metadata returns the stored row and writes nothing; the same id with other content is
 * ES007. The check comes before the expected-sequence check, so a retried emit that carries
 * p_expected_sequence still succeeds after its first attempt committed.
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
    IF p_instance_id IS NULL OR p_instance_id !~ '^[A-Za-z0-9_.-]{1,32}$' OR p_expected_sequence < 0
       OR jsonb_typeof(p_metadata) <> 'object' OR pg_column_size(p_metadata) > 1048576 THEN
        PERFORM event_store._check_emit_arguments(p_instance_id, p_metadata, p_expected_sequence);
    END IF;

    -- The stream lock first (FIFO for a hot stream, one lock order everywhere), then the row.
    PERFORM event_store._lock_stream(p_instance_id);

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
            RAISE EXCEPTION 'event_id % was already used for a different event', p_event_id
                USING ERRCODE = 'ES007',
                      DETAIL = format('Stored: instance "%s", type "%s", sequence_num %s.',
                                      v_existing.instance_id, v_existing.event_type, v_existing.sequence_num),
                      HINT = 'Use a new event_id for a new event; reuse an id only to retry the identical event.';
        END IF;
    END IF;

    /*
     * One statement appends: bump the stream head (taking the instance's lock until commit) and
     * insert under it, the timestamp read after the lock is held so it never decreases along the
     * sequence. The head is bumped only if the data passes the type's compiled validator
     * (event_types.validator, a jsonpath predicate). If nothing was appended, either the data is
     * invalid (_validate_event raises the precise ES001/ES003/ES006), or the validator was stricter
     * than needed (append again without it), or the instance does not exist (ES002).
     */
    LOOP
        IF p_event_id IS NULL THEN
            WITH head AS (
                UPDATE event_store.instances i
                   SET last_sequence_num = i.last_sequence_num + 1
                 WHERE i.instance_id = p_instance_id
                   AND (v_checked OR EXISTS (SELECT FROM event_store.event_types et
                                              WHERE et.event_type = p_event_type AND p_event_data @@ et.validator
                                                AND pg_column_size(p_event_data) <= 1048576))
                RETURNING i.last_sequence_num AS seq
            )
            INSERT INTO event_store.events AS e
                   (instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at, updated_at)
            SELECT p_instance_id, p_event_type, h.seq, h.ts, p_event_data, v_metadata, h.ts, h.ts
              FROM (SELECT head.seq, clock_timestamp() AS ts FROM head) h
            RETURNING e.event_id, e.sequence_num, e."timestamp" INTO event_id, sequence_num, "timestamp";
        ELSE
            WITH head AS (
                UPDATE event_store.instances i
                   SET last_sequence_num = i.last_sequence_num + 1
                 WHERE i.instance_id = p_instance_id
                   AND (v_checked OR EXISTS (SELECT FROM event_store.event_types et
                                              WHERE et.event_type = p_event_type AND p_event_data @@ et.validator
                                                AND pg_column_size(p_event_data) <= 1048576))
                RETURNING i.last_sequence_num AS seq
            )
            INSERT INTO event_store.events AS e
                   (event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
                    created_at, updated_at)
            SELECT p_event_id, p_instance_id, p_event_type, h.seq, h.ts, p_event_data, v_metadata, h.ts, h.ts
              FROM (SELECT head.seq, clock_timestamp() AS ts FROM head) h
            ON CONFLICT (event_id) DO NOTHING
            RETURNING e.event_id, e.sequence_num, e."timestamp" INTO event_id, sequence_num, "timestamp";
        END IF;
        EXIT WHEN FOUND;
        IF v_checked THEN
            IF p_event_id IS NOT NULL AND v_instance_found THEN
                -- Another instance stored the same p_event_id while we held this instance's lock.
                RAISE EXCEPTION 'event_id % was already used for a different event', p_event_id
                    USING ERRCODE = 'ES007',
                          HINT = 'Use a new event_id for a new event; reuse an id only to retry the identical event.';
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
    'Errors: ES001 unknown type, ES002 unknown instance, ES003 invalid event_data, '
    'ES004 expected sequence mismatch, ES006 invalid argument, ES007 event_id reused with other content.';

REVOKE ALL ON FUNCTION event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint) TO event_store_writer;

COMMIT;
