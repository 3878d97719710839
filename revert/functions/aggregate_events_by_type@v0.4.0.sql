-- Revert supervisor_event_store:functions/aggregate_events_by_type from pg: restores the @v0.3.0 version (the same body; the
-- rework only added the requires of its helpers' own changes).

BEGIN;

/*
 * Event counts per type, most frequent first (ties by type), for one instance (an index-only
 * scan of events_instance_type_timestamp_idx) or all instances, optionally within dates.
 */
CREATE OR REPLACE FUNCTION event_store.aggregate_events_by_type(
    p_instance_id text        DEFAULT NULL,
    p_start_date  timestamptz DEFAULT NULL,
    p_end_date    timestamptz DEFAULT NULL
)
    RETURNS TABLE (event_type text, category text, event_count bigint)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    PERFORM event_store._check_date_range(p_start_date, p_end_date);
    IF p_instance_id IS NOT NULL THEN
        PERFORM event_store._instance_head(p_instance_id);
    END IF;
    -- Dynamic so each call is planned for its own filters (one instance vs all, dates or not).
    RETURN QUERY EXECUTE format(
        'SELECT c.event_type, et.category, c.n
           FROM (SELECT e.event_type, count(*) AS n FROM event_store.events e WHERE true %s%s%s
                  GROUP BY e.event_type) c
           JOIN event_store.event_types et ON et.event_type = c.event_type
          ORDER BY c.n DESC, c.event_type',
        CASE WHEN p_instance_id IS NOT NULL THEN ' AND e.instance_id = $1' END,
        CASE WHEN p_start_date IS NOT NULL THEN ' AND e."timestamp" >= $2' END,
        CASE WHEN p_end_date IS NOT NULL THEN ' AND e."timestamp" <= $3' END)
    USING p_instance_id, p_start_date, p_end_date;
END
$$;

COMMENT ON FUNCTION event_store.aggregate_events_by_type(text, timestamptz, timestamptz) IS
    'Event counts per type as (event_type, category, event_count), most frequent first, for one '
    'instance (NULL = all) between optional inclusive dates. Errors: ES002 unknown instance, '
    'ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.aggregate_events_by_type(text, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.aggregate_events_by_type(text, timestamptz, timestamptz) TO event_store_reader;

COMMIT;
