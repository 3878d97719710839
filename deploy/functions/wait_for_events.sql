-- Deploy supervisor_event_store:functions/wait_for_events to pg
-- requires: functions/read_all
-- requires: roles/event_store_reader

BEGIN;

/*
 * The change feed's wake-up: read_all that waits, server-side, until events after p_after come or
 * p_timeout_seconds (0-60) pass. A follower blocks in one call instead of sleeping between polls,
 * and sees an event within a few milliseconds of the moment read_all can return it.
 *
 * Why not LISTEN/NOTIFY: a notifying transaction takes a cluster-wide lock at commit and holds it
 * through the flush, serialising every emit that notifies (shared/ANCHORS.md: factcast capped at
 * ~500 inserts/s); NOTIFY is also lost through PgBouncer's transaction mode and refused on a hot
 * standby. This wait costs the write path nothing: the waiting backend re-runs the page query
 * (an index probe past the cursor) every 5 ms, each time under a new snapshot (a VOLATILE
 * PL/pgSQL function takes one per statement under READ COMMITTED), about 200 probes a second per
 * waiting follower while nothing happens. Under REPEATABLE READ or SERIALIZABLE the snapshot is
 * the transaction's and no new event could ever appear: ES006 instead of a pointless wait.
 * A statement_timeout shorter than the wait cancels it (57014), as for any statement.
 */
CREATE OR REPLACE FUNCTION event_store.wait_for_events(
    p_after           text             DEFAULT NULL,
    p_timeout_seconds double precision DEFAULT 10,
    p_limit           int              DEFAULT 1000,
    p_event_types     text[]           DEFAULT NULL,
    p_instance_ids    text[]           DEFAULT NULL,
    p_project         text             DEFAULT NULL
)
    RETURNS TABLE (event_id uuid, instance_id text, event_type text, sequence_num bigint,
                   "timestamp" timestamptz, event_data jsonb, metadata jsonb, created_at timestamptz,
                   updated_at timestamptz, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_deadline timestamptz;
BEGIN
    IF p_timeout_seconds IS NULL OR NOT (p_timeout_seconds >= 0 AND p_timeout_seconds <= 60) THEN
        RAISE EXCEPTION 'timeout_seconds must be between 0 and 60, got %', coalesce(p_timeout_seconds::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'Wait at most a minute per call, and call again to wait longer.';
    END IF;
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'wait_for_events needs READ COMMITTED, the transaction is %',
                        pg_catalog.current_setting('transaction_isolation')
            USING ERRCODE = 'ES006',
                  HINT = 'A transaction snapshot never shows new events: call it outside the transaction, '
                         'or use read_all.';
    END IF;
    v_deadline := pg_catalog.clock_timestamp() + p_timeout_seconds * interval '1 second';
    LOOP
        RETURN QUERY SELECT * FROM event_store.read_all(p_after, p_limit, p_event_types, p_instance_ids, p_project);
        EXIT WHEN FOUND OR pg_catalog.clock_timestamp() >= v_deadline;
        PERFORM pg_catalog.pg_sleep(0.005);
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store.wait_for_events(text, double precision, int, text[], text[], text) IS
    'read_all that waits: the next committed events after the cursor p_after (NULL = from the beginning), '
    'as soon as there are any, or no rows after p_timeout_seconds (0-60, default 10). Same rows, order, '
    'filters and cursors as read_all; pass the last row''s cursor to wait again. Costs writers nothing '
    '(no NOTIFY): the waiting call re-reads every 5 ms. Errors: as read_all; ES006 timeout out of range '
    'or a REPEATABLE READ / SERIALIZABLE transaction.';

REVOKE ALL ON FUNCTION event_store.wait_for_events(text, double precision, int, text[], text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.wait_for_events(text, double precision, int, text[], text[], text)
    TO event_store_reader;

COMMIT;
