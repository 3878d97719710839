-- Deploy supervisor_event_store:functions/_feed_position to pg
-- requires: functions/_feed_cursor

BEGIN;

/*
 * Decodes a cursor made by _feed_cursor into (feed_key, global_position); NULL is the start of
 * the feed ('0', 0). ES006 for anything else: wrong shape, numbers out of range, or a checksum
 * that does not match (edited, truncated, or from another database).
 */
CREATE OR REPLACE FUNCTION event_store._feed_position(
    p_cursor text,
    OUT feed_key xid8,
    OUT global_position bigint
)
    LANGUAGE plpgsql
    STABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_parts text[];
BEGIN
    IF p_cursor IS NULL THEN
        feed_key := '0';
        global_position := 0;
        RETURN;
    END IF;
    v_parts := regexp_match(p_cursor, '^f1\.([0-9]{1,20})\.([0-9]{1,19})\.[0-9a-f]{1,8}$');
    IF v_parts IS NULL OR v_parts[1]::numeric > 18446744073709551615 OR v_parts[2]::numeric > 9223372036854775807
       OR event_store._feed_cursor(v_parts[1]::xid8, v_parts[2]::bigint) <> p_cursor THEN
        RAISE EXCEPTION 'invalid cursor "%": not a cursor of this event store', left(p_cursor, 80)
            USING ERRCODE = 'ES006',
                  HINT = 'Pass the cursor column of a row returned by read_all or poll_subscription in this '
                         'database, unchanged, or NULL to start from the beginning.';
    END IF;
    feed_key := v_parts[1]::xid8;
    global_position := v_parts[2]::bigint;
END
$$;

COMMENT ON FUNCTION event_store._feed_position(text) IS
    'Internal: (feed_key, global_position) of a cursor; NULL is the start. Errors: ES006 malformed or foreign cursor.';

REVOKE ALL ON FUNCTION event_store._feed_position(text) FROM PUBLIC;

COMMIT;
