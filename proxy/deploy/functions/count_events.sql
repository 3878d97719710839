-- Deploy supervisor_event_store_proxy:functions/count_events to pg
-- requires: remote/count_events
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.count_events of the shards, on the instance's shard, or on every shard (merged) for all instances.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.count_events(
    p_instance_id text DEFAULT NULL::text,
    p_event_types text[] DEFAULT NULL::text[],
    p_start_date timestamp with time zone DEFAULT NULL::timestamp with time zone,
    p_end_date timestamp with time zone DEFAULT NULL::timestamp with time zone,
    p_keyword text DEFAULT NULL::text,
    p_after_sequence bigint DEFAULT NULL::bigint
)
    RETURNS bigint
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN (SELECT coalesce(sum(r.n), 0)::bigint
              FROM event_store_remote.count_events(p_instance_id, p_event_types, p_start_date, p_end_date,
                                                   p_keyword, p_after_sequence) AS r (n));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    -- no instance: a call to all shards (NULL), not the partition of a NULL id
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint,
                                 CASE WHEN p_instance_id IS NOT NULL THEN event_store._partition(p_instance_id) END);
END
$$;

COMMENT ON FUNCTION event_store.count_events IS
    'Number of events matching every given filter of query_events (its total_count, 0 when none match): p_instance_id (NULL = all instances), p_event_types, p_start_date/p_end_date (inclusive), p_keyword, p_after_sequence (one instance: sequence_num > it). Errors: ES001 unknown event type, ES002 unknown instance, ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.count_events FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.count_events TO event_store_reader;

COMMIT;
