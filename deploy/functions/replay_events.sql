-- Deploy supervisor_event_store:functions/replay_events to pg
-- requires: functions/_replay
-- requires: functions/_fold_final
-- requires: roles/event_store_reader
-- requires: functions/_store_snapshot

BEGIN;

/*
 * The state of an instance after its events up to and including p_to_sequence_num (all when
 * NULL; a target past the head means the head). Starts from the newest snapshot of the current
 * fold version at or below the target, so the time depends on the events since that snapshot.
 * events_replayed counts the events read from the log in this call; the state's
 * total_events_replayed counts every event folded, snapshot included, so both paths agree.
 *
 * Automatic snapshots: when the database's setting event_store.snapshot_every is a positive
 * number N (ALTER DATABASE ... SET event_store.snapshot_every = 1000; a session-level SET is
 * ignored, so callers cannot turn it on) and this call read at least N events, the state at the
 * target is stored as a snapshot. Unset or 0 (the default): off.
 * Skipped in read-only transactions. The snapshot is attached to the event the fold read last, so
 * it always describes the events it is attached to; if the stream was reset since, none is stored.
 * No backslash in any literal (standard_conforming_strings off would change its meaning).
 */
CREATE OR REPLACE FUNCTION event_store.replay_events(
    p_instance_id     text,
    p_to_sequence_num bigint DEFAULT NULL
)
    RETURNS TABLE (final_state jsonb, events_replayed bigint, duration_ms numeric)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_started timestamptz := clock_timestamp();
    v_replay  record;
    -- Read from the database's own settings (ALTER DATABASE ... SET), not the session's: a
    -- reader must not be able to make this definer function write snapshots at will.
    v_every   text := (SELECT nullif(substr(c, length('event_store.snapshot_every=') + 1), '')
                         FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) c
                        WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d
                                                WHERE d.datname = current_database())
                          AND s.setrole = 0 AND starts_with(c, 'event_store.snapshot_every=')
                        LIMIT 1);
BEGIN
    IF v_every !~ '^[0-9]{1,18}$' THEN
        RAISE EXCEPTION 'invalid setting event_store.snapshot_every "%": must be a whole number', v_every
            USING ERRCODE = 'ES006', HINT = 'Set it to the number of events between automatic snapshots, or 0 for none.';
    END IF;
    v_replay := event_store._replay(p_instance_id, p_to_sequence_num);
    IF v_every::bigint > 0 AND v_replay.events_replayed >= v_every::bigint
       AND v_replay.to_sequence_num > 0 AND NOT current_setting('transaction_read_only')::boolean THEN
        PERFORM event_store._store_snapshot(p_instance_id, v_replay.acc, v_replay.last_event_id);
    END IF;
    RETURN QUERY
    SELECT event_store._fold_final(v_replay.acc), v_replay.events_replayed,
           round(extract(epoch FROM clock_timestamp() - v_started) * 1000, 3);
END
$$;

COMMENT ON FUNCTION event_store.replay_events(text, bigint) IS
    'Fold an instance''s events up to and including p_to_sequence_num (NULL = all) into its state; '
    'returns (final_state, events_replayed = events read in this call, duration_ms). Starts from the '
    'newest usable snapshot. Takes a snapshot automatically when the database setting '
    'event_store.snapshot_every = N > 0 (ALTER DATABASE ... SET) '
    'and at least N events were read. Errors: ES002 unknown instance, ES006 invalid argument or setting.';

REVOKE ALL ON FUNCTION event_store.replay_events(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.replay_events(text, bigint) TO event_store_reader;

COMMIT;
