-- Deploy supervisor_event_store:functions/feed_cursor to pg
-- requires: functions/_feed_cursor
-- requires: functions/_feed_position
-- requires: indexes/events_feed_key
-- requires: roles/event_store_reader

BEGIN;

/*
 * A cursor to start read_all from, by the same start points as create_subscription:
 * 'beginning' (or NULL): before every event; 'end': after every event already below the
 * transaction horizon, so read_all from it returns only what commits from now on (never one of
 * those missed); a cursor: checked and returned as is; an ISO timestamp: before the first event,
 * in feed order, stamped at or after it (a few events stamped just before it may come too).
 * What `tail` of the whole store and an agent that waits for news start from, without reading
 * the history first. The 'end' cursor costs O(1); a timestamp reads the events stamped since.
 */
CREATE OR REPLACE FUNCTION event_store.feed_cursor(
    p_start_from text DEFAULT 'end'
)
    RETURNS text
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_key   xid8;
    v_since timestamptz;
BEGIN
    IF p_start_from IS NULL OR p_start_from = 'beginning' THEN
        RETURN event_store._feed_cursor('0', 0);
    ELSIF p_start_from = 'end' THEN
        RETURN event_store._feed_cursor(pg_snapshot_xmin(pg_current_snapshot()), 0);
    ELSIF p_start_from LIKE 'f1.%' THEN
        PERFORM event_store._feed_position(p_start_from);           -- ES006 for a bad cursor
        RETURN p_start_from;
    END IF;
    BEGIN
        v_since := p_start_from::timestamptz;
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION 'invalid start "%": not beginning, end, a cursor or a timestamp', left(p_start_from, 80)
            USING ERRCODE = 'ES006',
                  HINT = 'Pass ''beginning'', ''end'', a cursor from read_all, or e.g. ''2026-12-01T10:00:00Z''.';
    END;
    -- As create_subscription: the smallest key among the events stamped from v_since on, the
    -- visible ones and the ones not visible yet (whose keys are >= the horizon).
    SELECT min(e.feed_key) INTO v_key FROM event_store.events e WHERE e."timestamp" >= v_since;
    RETURN event_store._feed_cursor(least(v_key, pg_snapshot_xmin(pg_current_snapshot())), 0);
END
$$;

COMMENT ON FUNCTION event_store.feed_cursor(text) IS
    'A cursor to start read_all from: ''beginning'' (or NULL), ''end'' (only events committed from now on), '
    'a cursor (checked, returned as is) or an ISO timestamp (events stamped at or after it). '
    'Errors: ES006 bad start or malformed or foreign cursor.';

REVOKE ALL ON FUNCTION event_store.feed_cursor(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.feed_cursor(text) TO event_store_reader;

COMMIT;
