-- Deploy supervisor_event_store:functions/count_events to pg
-- requires: functions/count_events@v0.4.0
-- requires: functions/query_events
-- requires: roles/event_store_reader

BEGIN;

/*
 * How many events match the filters of query_events: its total_count on its own, also when a
 * page would be empty (query_events returns no rows then, so a client paging past the end cannot
 * read the total from a row). Same parameters (without limit/offset), same validation and errors,
 * same plans: it asks query_events for a one-row page with p_exact_count => true, so it is always
 * exact and equals query_events' total_count whenever that one is exact (total_exact).
 */
CREATE OR REPLACE FUNCTION event_store.count_events(
    p_instance_id    text        DEFAULT NULL,
    p_event_types    text[]      DEFAULT NULL,
    p_start_date     timestamptz DEFAULT NULL,
    p_end_date       timestamptz DEFAULT NULL,
    p_keyword        text        DEFAULT NULL,
    p_after_sequence bigint      DEFAULT NULL
)
    RETURNS bigint
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
    SELECT coalesce((SELECT q.total_count
                       FROM event_store.query_events(p_instance_id, p_event_types, p_start_date, p_end_date,
                                                     p_keyword, 1, 0, p_after_sequence, true) q), 0)
$$;

COMMENT ON FUNCTION event_store.count_events(text, text[], timestamptz, timestamptz, text, bigint) IS
    'Number of events matching every given filter of query_events (its total_count, 0 when none match): '
    'p_instance_id (NULL = all instances), p_event_types, p_start_date/p_end_date (inclusive), p_keyword, '
    'p_after_sequence (one instance: sequence_num > it). '
    'Errors: ES001 unknown event type, ES002 unknown instance, ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.count_events(text, text[], timestamptz, timestamptz, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.count_events(text, text[], timestamptz, timestamptz, text, bigint)
    TO event_store_reader;

COMMIT;
