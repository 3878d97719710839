-- Deploy supervisor_event_store:functions/aggregate_events_by_type to pg
-- requires: functions/_instance_head
-- requires: functions/_check_event_types
-- requires: indexes/events_instance_type_timestamp
-- requires: roles/event_store_reader
-- requires: functions/_check_date_range
-- requires: tables/fleet_index
-- requires: tables/fleet_type_counts
-- requires: tables/projections
-- requires: indexes/events_feed_key

BEGIN;

/*
 * Event counts per type, most frequent first (ties by type), for one instance (an index-only
 * scan of events_instance_type_timestamp_idx) or all instances, optionally within dates.
 * All instances: from the fleet projection, which counts the events up to its watermark per
 * type and UTC hour (fleet_type_counts): the whole hours of the range from there (a few rows
 * per type and hour instead of every event), the partial hours at its two ends from
 * fleet_index (index-only on ("timestamp") INCLUDE (event_type)), and the events after the
 * watermark from events. The three parts are disjoint and cover every event, under one
 * snapshot: the counts are exact, however far behind the projector is.
 * plan_cache_mode force_custom_plan: each call is planned with its dates and watermark (a generic
 * plan guesses a third of events after any watermark, and scans them all).
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
    SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_first timestamptz;   -- the first whole hour of the range (NULL: from the beginning)
    v_end   timestamptz;   -- the end of the last whole hour (NULL: to the end)
    v_mark_key xid8;       -- the projection's watermark
    v_mark_pos bigint;
BEGIN
    PERFORM event_store._check_date_range(p_start_date, p_end_date);
    IF p_instance_id IS NOT NULL THEN
        PERFORM event_store._instance_head(p_instance_id);
        -- Dynamic so each call is planned for its own filters.
        RETURN QUERY EXECUTE format(
            'SELECT c.event_type, et.category, c.n
               FROM (SELECT e.event_type, count(*) AS n FROM event_store.events e WHERE e.instance_id = $1 %s%s
                      GROUP BY e.event_type) c
               JOIN event_store.event_types et ON et.event_type = c.event_type
              ORDER BY c.n DESC, c.event_type',
            CASE WHEN p_start_date IS NOT NULL THEN ' AND e."timestamp" >= $2' END,
            CASE WHEN p_end_date IS NOT NULL THEN ' AND e."timestamp" <= $3' END)
        USING p_instance_id, p_start_date, p_end_date;
        RETURN;
    END IF;

    -- Hour boundaries in UTC, as fleet_type_counts buckets them; an hour [h, h + 1 hour) is whole
    -- when v_first <= h and h + 1 hour <= v_end (the end date is inclusive, so an event stamped
    -- exactly at v_end falls in a partial hour).
    v_first := date_trunc('hour', p_start_date, 'UTC');
    IF v_first < p_start_date THEN
        v_first := v_first + interval '1 hour';
    END IF;
    v_end := date_trunc('hour', p_end_date, 'UTC');
    IF v_first >= v_end THEN                    -- no whole hour: all from fleet_index
        v_end := v_first;
    END IF;

    -- The watermark as values, so the events after it are planned as a short range of
    -- events_feed_key_idx; STABLE, so this and the query below read one snapshot.
    SELECT w.feed_key, w.global_position INTO v_mark_key, v_mark_pos
      FROM event_store.projections w WHERE w.projection_name = 'fleet_index';
    -- Grouped by type before the join (one row per type reaches event_types); the parts are int
    -- so the sum is int8 arithmetic, not numeric.
    RETURN QUERY
    SELECT g.event_type, et.category, g.n
      FROM (SELECT c.event_type, sum(c.n) AS n
      FROM (SELECT r.event_type, r.event_count AS n
              FROM event_store.fleet_type_counts r
             WHERE (v_first IS NULL OR r.hour >= v_first) AND (v_end IS NULL OR r.hour < v_end)
            UNION ALL
            SELECT f.event_type, count(*)::int
              FROM event_store.fleet_index f
             WHERE f."timestamp" >= p_start_date AND f."timestamp" < v_first
               AND (p_end_date IS NULL OR f."timestamp" <= p_end_date)
             GROUP BY f.event_type
            UNION ALL
            SELECT f.event_type, count(*)::int
              FROM event_store.fleet_index f
             WHERE f."timestamp" >= v_end AND f."timestamp" <= p_end_date
               AND (p_start_date IS NULL OR f."timestamp" >= p_start_date)
             GROUP BY f.event_type
            UNION ALL
            SELECT e.event_type, count(*)::int
              FROM event_store.events e
             WHERE (e.feed_key, e.global_position) > (v_mark_key, v_mark_pos)
               AND (p_start_date IS NULL OR e."timestamp" >= p_start_date)
               AND (p_end_date IS NULL OR e."timestamp" <= p_end_date)
             GROUP BY e.event_type) c
             GROUP BY c.event_type
            HAVING sum(c.n) > 0) g
      JOIN event_store.event_types et ON et.event_type = g.event_type
     ORDER BY 3 DESC, 1;
END
$$;

COMMENT ON FUNCTION event_store.aggregate_events_by_type(text, timestamptz, timestamptz) IS
    'Event counts per type as (event_type, category, event_count), most frequent first, for one '
    'instance (NULL = all) between optional inclusive dates. Errors: ES002 unknown instance, '
    'ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.aggregate_events_by_type(text, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.aggregate_events_by_type(text, timestamptz, timestamptz) TO event_store_reader;

COMMIT;
