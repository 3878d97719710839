-- Deploy supervisor_event_store_proxy:functions/emit_event to pg
-- requires: remote/emit_event
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.emit_event of the shards, on the shard that owns the instance.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.emit_event(
    p_instance_id text,
    p_event_type text,
    p_event_data jsonb,
    p_metadata jsonb DEFAULT NULL::jsonb,
    p_event_id uuid DEFAULT NULL::uuid,
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
    RETURN QUERY SELECT r.* FROM event_store_remote.emit_event(p_instance_id, p_event_type, p_event_data, p_metadata, p_event_id, p_expected_sequence) r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, event_store._partition(p_instance_id));
END
$$;

COMMENT ON FUNCTION event_store.emit_event IS
    'Append one event to an instance''s stream and return (event_id, sequence_num, timestamp). Sequence numbers start at 1 per instance and are gap-free under any concurrency. p_metadata: optional JSON object. p_event_id: optional client id that makes retries idempotent. p_expected_sequence: optional optimistic-concurrency check (0 = no events yet). Errors: ES001 unknown type, ES002 unknown instance, ES003 invalid event_data, ES004 expected sequence mismatch, ES006 invalid argument, ES007 event_id reused with other content.';

REVOKE ALL ON FUNCTION event_store.emit_event FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.emit_event TO event_store_writer;

COMMIT;
