-- Deploy supervisor_event_store_proxy:functions/aggregate_events_by_type to pg
-- requires: remote/aggregate_events_by_type
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition

BEGIN;

/*
 * event_store.aggregate_events_by_type of the shards, on the instance's shard, or on every shard (merged) for all instances.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.aggregate_events_by_type(
    p_instance_id text DEFAULT NULL::text,
    p_start_date timestamp with time zone DEFAULT NULL::timestamp with time zone,
    p_end_date timestamp with time zone DEFAULT NULL::timestamp with time zone
)
    RETURNS TABLE(event_type text, category text, event_count bigint)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    RETURN QUERY SELECT a.event_type, a.category, sum(a.event_count)::bigint
                   FROM event_store_remote.aggregate_events_by_type(p_instance_id, p_start_date, p_end_date) a
                  GROUP BY 1, 2
                  ORDER BY 3 DESC, 1;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    -- no instance: a call to all shards (NULL), not the partition of a NULL id
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint,
                                 CASE WHEN p_instance_id IS NOT NULL THEN event_store._partition(p_instance_id) END);
END
$$;

COMMENT ON FUNCTION event_store.aggregate_events_by_type IS
    'Event counts per type as (event_type, category, event_count), most frequent first, for one instance (NULL = all) between optional inclusive dates. Errors: ES002 unknown instance, ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.aggregate_events_by_type FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.aggregate_events_by_type TO event_store_reader;

COMMIT;
