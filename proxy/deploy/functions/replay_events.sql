-- Deploy supervisor_event_store_proxy:functions/replay_events to pg
-- requires: remote/replay_events
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.replay_events of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.replay_events(
    p_instance_id text,
    p_to_sequence_num bigint DEFAULT NULL::bigint
)
    RETURNS TABLE(final_state jsonb, events_replayed bigint, duration_ms numeric)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT r.* FROM event_store_remote.replay_events(p_instance_id, p_to_sequence_num) r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.replay_events IS
    'Fold an instance''s events up to and including p_to_sequence_num (NULL = all) into its state; returns (final_state, events_replayed = events read in this call, duration_ms). Starts from the newest usable snapshot. Takes a snapshot automatically when the database setting event_store.snapshot_every = N > 0 (ALTER DATABASE ... SET) and at least N events were read. Errors: ES002 unknown instance, ES006 invalid argument or setting.';

REVOKE ALL ON FUNCTION event_store.replay_events FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.replay_events TO event_store_reader;

COMMIT;
