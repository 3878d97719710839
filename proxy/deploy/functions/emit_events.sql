-- Deploy supervisor_event_store_proxy:functions/emit_events to pg
-- requires: remote/emit_events
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.emit_events of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.emit_events(
    p_instance_id text,
    p_events jsonb,
    p_expected_sequence bigint DEFAULT NULL::bigint
)
    RETURNS TABLE(event_id uuid, sequence_num bigint, "timestamp" timestamp with time zone)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT r.* FROM event_store_remote.emit_events(p_instance_id, p_events, p_expected_sequence) r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.emit_events IS
    'Append 1-1000 events to one instance atomically (all or none) with consecutive sequence numbers; returns (event_id, sequence_num, timestamp) per event in input order. p_events: JSON array of {event_type, event_data, metadata?, event_id?}. p_expected_sequence: optional optimistic-concurrency check on the last sequence number before the batch (0 = no events yet). Events whose event_id is already stored identically are returned, not rewritten. Errors: ES001 unknown type, ES002 unknown instance, ES003 invalid event_data, ES004 expected sequence mismatch, ES006 invalid argument (names the event #), ES007 event_id reused with other content.';

REVOKE ALL ON FUNCTION event_store.emit_events FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.emit_events TO event_store_writer;

COMMIT;
