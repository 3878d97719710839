-- Deploy supervisor_event_store:functions/read_all to pg
-- requires: functions/_feed_page
-- requires: functions/_feed_cursor
-- requires: functions/_feed_position
-- requires: functions/_check_feed_filters
-- requires: indexes/events_feed_key
-- requires: columns/events_feed_key
-- requires: roles/event_store_reader

BEGIN;

/*
 * The change feed: the next committed events after a cursor, across all instances.
 *
 * Order: (feed_key, global_position), read only below the transaction horizon
 * feed_key < pg_snapshot_xmin(pg_current_snapshot()) (columns/events_feed_key says why this never
 * skips, never repeats and keeps each instance's events in sequence order). Every row below the
 * horizon is committed (or rolled back) for good, so the same cursor always gives the same rows.
 * The horizon is the oldest transaction still running anywhere in the cluster that has written:
 * a session idle in a transaction holds every follower back (list_subscriptions shows which).
 *
 * Cost: a keyset range scan of events_feed_key_idx (_feed_page), O(page) at any depth. Filters
 * are checked on the rows the scan passes, so a filter that matches rarely reads past many rows
 * per page.
 */
CREATE OR REPLACE FUNCTION event_store.read_all(
    p_after        text   DEFAULT NULL,
    p_limit        int    DEFAULT 1000,
    p_event_types  text[] DEFAULT NULL,
    p_instance_ids text[] DEFAULT NULL,
    p_project      text   DEFAULT NULL
)
    RETURNS TABLE (event_id uuid, instance_id text, event_type text, sequence_num bigint,
                   "timestamp" timestamptz, event_data jsonb, metadata jsonb, created_at timestamptz,
                   updated_at timestamptz, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
    SET jit = off
AS $$
DECLARE
    v_from    record;
    v_horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
    v_salt    bigint := ('x' || left(md5(current_database()), 7))::bit(28)::bigint;   -- for _feed_cursor, once
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'Page with the cursor of the last row instead of a bigger limit.';
    END IF;
    v_from := event_store._feed_position(p_after);
    PERFORM event_store._check_feed_filters(p_event_types, p_instance_ids, p_project);
    RETURN QUERY
    SELECT * FROM event_store._feed_page(v_from.feed_key, v_from.global_position, v_horizon, p_limit,
                                         p_event_types, p_instance_ids, p_project, 1, 0, v_salt);
END
$$;

COMMENT ON FUNCTION event_store.read_all(text, int, text[], text[], text) IS
    'The next committed events of all instances after the cursor p_after (NULL = from the beginning), '
    'in change-feed order: total and stable, each instance in sequence_num order, never skipping an '
    'event that commits late. Each row carries cursor (text): pass it as p_after to read on after that row. '
    'p_limit 1-10000; filters p_event_types, p_instance_ids, p_project (AND). '
    'Errors: ES001 unknown type, ES002 unknown instance, ES006 malformed or foreign cursor, bad limit or filter.';

REVOKE ALL ON FUNCTION event_store.read_all(text, int, text[], text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.read_all(text, int, text[], text[], text) TO event_store_reader;

COMMIT;
