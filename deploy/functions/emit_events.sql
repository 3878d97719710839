-- Deploy supervisor_event_store:functions/emit_events to pg
-- requires: functions/_validate_event
-- requires: tables/events
-- requires: roles/event_store_writer
-- requires: functions/_lock_stream
-- requires: columns/instances_last_feed_key
-- requires: functions/_bump_head
-- requires: functions/_check_instance_id
-- requires: functions/_json_within_limits
-- requires: functions/_is_instance_id
-- requires: functions/_event_id_reused
-- requires: functions/_check_metadata

BEGIN;

/*
 * Appends a batch of 1-1000 events to one instance atomically: all are written with consecutive
 * sequence numbers, or none is (any invalid event raises and rolls the whole call back).
 *
 * p_events is a JSON array of {"event_type": ..., "event_data": {...}, "metadata": {...}?,
 * "event_id": "<uuid>"?}. Events whose event_id is already stored with identical content are
 * returned as stored and not written again (a retried batch returns its original rows); the
 * expected-sequence check applies only when something new is written. Rows come back in the
 * order of p_events. Lifecycle types (instance_registered, instance_heartbeat, instance_stale)
 * are refused (ES006: register_instance, heartbeat and mark_stale_instances write them), and so
 * are data (ES003) and metadata (ES006) nested deeper than 32 levels or holding a number over 64
 * characters; the fast path tests both with the inlined _json_within_limits.
 */
CREATE OR REPLACE FUNCTION event_store.emit_events(
    p_instance_id       text,
    p_events            jsonb,
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
    v_count      int;
    v_feed_key   xid8;         -- the head's feed key after the bump (columns/events_feed_key)
    v_item       jsonb;
    v_where      text;
    v_key        text;
    v_types      text[]   := '{}';
    v_datas      jsonb[]  := '{}';
    v_metas      jsonb[]  := '{}';
    v_ids        uuid[]   := '{}';
    v_new        boolean[] := '{}';
    v_client_ids boolean  := false;
    v_new_count  int      := 0;
    v_last       bigint;
    v_written    int;
    v_existing   event_store.events;
    v_dup        int;
    v_valid      boolean;
    v_all_ok     boolean;
BEGIN
    IF NOT event_store._is_instance_id(p_instance_id) THEN
        PERFORM event_store._check_instance_id(p_instance_id);
    END IF;
    IF p_events IS NULL OR jsonb_typeof(p_events) <> 'array' THEN
        RAISE EXCEPTION 'events must be a JSON array, got %', coalesce(jsonb_typeof(p_events), 'null')
            USING ERRCODE = 'ES006',
                  HINT = 'Pass [{"event_type": "...", "event_data": {...}, "metadata": {...}, "event_id": "..."}, ...].';
    END IF;
    v_count := jsonb_array_length(p_events);
    IF v_count NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'events must hold 1 to 1000 events, got %', v_count
            USING ERRCODE = 'ES006', HINT = 'Split larger batches into several calls.';
    END IF;
    IF p_expected_sequence < 0 THEN
        RAISE EXCEPTION 'expected_sequence must be 0 or more, got %', p_expected_sequence
            USING ERRCODE = 'ES006', HINT = 'Use 0 for "no events yet", or the last sequence_num you read.';
    END IF;

    /*
     * Fast path: one set-based pass checks every element's shape and its data against the type's
     * compiled validator (event_types.validator). When all pass and no element carries an event_id,
     * one head bump and one INSERT append the batch. Otherwise the element-by-element loop below
     * runs: it raises the precise error naming the element (or accepts what the validator was
     * merely stricter about) and reconciles client event ids.
     */
    SELECT bool_and(coalesce(
               jsonb_typeof(t.item) = 'object'
               AND t.item - ARRAY['event_type', 'event_data', 'metadata', 'event_id'] = '{}'
               AND jsonb_typeof(t.item -> 'event_type') = 'string'
               AND (t.item ->> 'event_type') NOT IN ('instance_registered', 'instance_heartbeat', 'instance_stale')
               AND pg_column_size(t.item -> 'event_data') <= 1048576
               AND event_store._json_within_limits(t.item -> 'event_data')
               AND event_store._json_within_limits(t.item -> 'metadata')
               AND (t.item -> 'event_data') @@ (SELECT et.validator FROM event_store.event_types et
                                                  WHERE et.event_type = t.item ->> 'event_type')
               AND coalesce(jsonb_typeof(t.item -> 'metadata'), 'null') IN ('object', 'null')
               AND coalesce(pg_column_size(t.item -> 'metadata'), 0) <= 1048576,
               false)),
           bool_or(coalesce(jsonb_typeof(t.item -> 'event_id'), 'null') <> 'null')
      INTO v_all_ok, v_client_ids
      FROM jsonb_array_elements(p_events) t(item);

    IF v_all_ok AND NOT v_client_ids THEN
        -- The common case: new events, no ids to reconcile. One head bump, one INSERT.
        v_last := event_store._bump_head(p_instance_id, v_count, p_expected_sequence);
        SELECT i.last_feed_key INTO v_feed_key FROM event_store.instances i WHERE i.instance_id = p_instance_id;
        RETURN QUERY
        INSERT INTO event_store.events AS e
               (instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at, updated_at,
                feed_key)
        SELECT p_instance_id, s.item ->> 'event_type', v_last - v_count + s.n, s.ts, s.item -> 'event_data',
               coalesce(nullif(s.item -> 'metadata', 'null'), '{}'), s.ts, s.ts, v_feed_key
          FROM (SELECT t.item, t.n, clock_timestamp() AS ts
                  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(item, n)
                 ORDER BY t.n) s
         ORDER BY s.n
        RETURNING e.event_id, e.sequence_num, e."timestamp";
        RETURN;
    END IF;

    -- Otherwise element by element: precise errors, ids, retries.
    v_client_ids := false;
    FOR i IN 1 .. v_count LOOP
        v_item := p_events -> (i - 1);
        v_where := format('event #%s: ', i);
        IF jsonb_typeof(v_item) <> 'object' THEN
            RAISE EXCEPTION '%must be a JSON object, got %', v_where, jsonb_typeof(v_item)
                USING ERRCODE = 'ES006', HINT = 'Each element is {"event_type": ..., "event_data": {...}}.';
        END IF;
        SELECT k INTO v_key FROM jsonb_object_keys(v_item) k
         WHERE k NOT IN ('event_type', 'event_data', 'metadata', 'event_id') LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%unknown key "%"', v_where, v_key
                USING ERRCODE = 'ES006', HINT = 'Allowed keys: event_type, event_data, metadata, event_id.';
        END IF;
        IF jsonb_typeof(v_item -> 'event_type') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION '%event_type must be a string', v_where
                USING ERRCODE = 'ES006', HINT = 'For example "event_type": "epic_started".';
        END IF;
        v_valid := event_store._check_lifecycle_emit(v_item ->> 'event_type', v_where);
        v_valid := event_store._validate_event(v_item ->> 'event_type', v_item -> 'event_data', v_where);
        v_valid := event_store._check_metadata(nullif(v_item -> 'metadata', 'null'), v_where);  -- JSON null: none
        IF coalesce(jsonb_typeof(v_item -> 'event_id'), 'null') <> 'null' THEN
            IF jsonb_typeof(v_item -> 'event_id') <> 'string'
               OR (v_item ->> 'event_id') !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' THEN
                RAISE EXCEPTION '%event_id must be a UUID string, got %', v_where, v_item -> 'event_id'
                    USING ERRCODE = 'ES006', HINT = 'For example "event_id": "5f0c6d1e-8a51-4c55-9d2f-1b2a3c4d5e6f".';
            END IF;
            v_client_ids := true;
            v_ids := v_ids || (v_item ->> 'event_id')::uuid;
        ELSE
            v_ids := v_ids || gen_random_uuid();
        END IF;
        v_types := v_types || (v_item ->> 'event_type');
        v_datas := v_datas || (v_item -> 'event_data');
        v_metas := v_metas || coalesce(nullif(v_item -> 'metadata', 'null'), '{}');
        v_new := v_new || true;
    END LOOP;


    IF v_client_ids THEN
        -- Serialise with other emits to this instance, then sort out retries and repeats.
        PERFORM event_store._lock_stream(p_instance_id);
        PERFORM 1 FROM event_store.instances i WHERE i.instance_id = p_instance_id FOR NO KEY UPDATE;
        FOR i IN 1 .. v_count LOOP
            v_dup := array_position(v_ids, v_ids[i]);
            IF v_dup < i THEN                                  -- the same id earlier in this batch
                IF (v_types[v_dup], v_datas[v_dup], v_metas[v_dup]) IS DISTINCT FROM (v_types[i], v_datas[i], v_metas[i]) THEN
                    PERFORM event_store._event_id_reused(v_ids[i], NULL, format('event #%s: ', i),
                                                         format('Event #%s of this batch has the same event_id and other content.', v_dup));
                END IF;
                v_new[i] := false;
                CONTINUE;
            END IF;
            SELECT * INTO v_existing FROM event_store.events e WHERE e.event_id = v_ids[i];
            IF FOUND THEN
                IF (v_existing.instance_id, v_existing.event_type, v_existing.event_data, v_existing.metadata)
                   IS DISTINCT FROM (p_instance_id::varchar, v_types[i], v_datas[i], v_metas[i]) THEN
                    PERFORM event_store._event_id_reused(v_ids[i], v_existing, format('event #%s: ', i));
                END IF;
                v_new[i] := false;
            END IF;
        END LOOP;
    END IF;
    SELECT count(*) INTO v_new_count FROM unnest(v_new) n WHERE n;

    IF v_new_count > 0 THEN
        v_last := event_store._bump_head(p_instance_id, v_new_count, p_expected_sequence);
        SELECT i.last_feed_key INTO v_feed_key FROM event_store.instances i WHERE i.instance_id = p_instance_id;

        IF NOT v_client_ids THEN                               -- fast path: one INSERT, rows in order
            RETURN QUERY
            INSERT INTO event_store.events AS e
                   (event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
                    created_at, updated_at, feed_key)
            SELECT s.id, p_instance_id, s.type, v_last - v_new_count + s.n, s.ts, s.data, s.meta, s.ts, s.ts, v_feed_key
              FROM (SELECT u.id, u.type, u.data, u.meta, u.n, clock_timestamp() AS ts
                      FROM unnest(v_ids, v_types, v_datas, v_metas) WITH ORDINALITY AS u(id, type, data, meta, n)
                     ORDER BY u.n) s
             ORDER BY s.n
            RETURNING e.event_id, e.sequence_num, e."timestamp";
            RETURN;
        END IF;

        INSERT INTO event_store.events AS e
               (event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
                created_at, updated_at, feed_key)
        SELECT s.id, p_instance_id, s.type, v_last - v_new_count + s.k, s.ts, s.data, s.meta, s.ts, s.ts, v_feed_key
          FROM (SELECT u.id, u.type, u.data, u.meta, row_number() OVER (ORDER BY u.n) AS k,
                       clock_timestamp() AS ts
                  FROM unnest(v_ids, v_types, v_datas, v_metas, v_new) WITH ORDINALITY
                       AS u(id, type, data, meta, is_new, n)
                 WHERE u.is_new
                 ORDER BY u.n) s
         ORDER BY s.k
        ON CONFLICT (event_id) DO NOTHING;
        GET DIAGNOSTICS v_written = ROW_COUNT;
        IF v_written <> v_new_count THEN
            -- Another instance stored one of these event ids while we held this instance's lock.
            PERFORM event_store._event_id_reused(NULL);
        END IF;
    END IF;

    RETURN QUERY
    SELECT e.event_id, e.sequence_num, e."timestamp"
      FROM unnest(v_ids) WITH ORDINALITY AS u(id, n)
      JOIN event_store.events e ON e.event_id = u.id
     ORDER BY u.n;
END
$$;

COMMENT ON FUNCTION event_store.emit_events(text, jsonb, bigint) IS
    'Append 1-1000 events to one instance atomically (all or none) with consecutive sequence numbers; '
    'returns (event_id, sequence_num, timestamp) per event in input order. p_events: JSON array of '
    '{event_type, event_data, metadata?, event_id?}. p_expected_sequence: optional optimistic-concurrency '
    'check on the last sequence number before the batch (0 = no events yet). Events whose event_id is '
    'already stored identically are returned, not rewritten. '
    'Errors: ES001 unknown type, ES002 unknown instance, ES003 invalid event_data, ES004 expected sequence '
    'mismatch, ES006 invalid argument (names the event #; also a lifecycle type, a type name over 63 characters, '
    'metadata over a limit), ES007 event_id reused with other content.';

REVOKE ALL ON FUNCTION event_store.emit_events(text, jsonb, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.emit_events(text, jsonb, bigint) TO event_store_writer;

COMMIT;
