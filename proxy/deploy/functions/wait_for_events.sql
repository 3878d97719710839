-- Deploy supervisor_event_store_proxy:functions/wait_for_events to pg
-- requires: remote/wait_for_events
-- requires: functions/_feed_merge
-- requires: functions/_feed_parts
-- requires: functions/_feed_targets
-- requires: functions/_shard_map
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * read_all through the proxy that waits until events come on any shard, or p_timeout_seconds
 * (0-60) pass. PL/Proxy has no "first shard to answer": a call to several shards returns when the
 * last one has. So the proxy reads every shard at once without waiting first (what is there comes
 * at once), then asks every shard to wait for at most 50 ms (each shard's own wait_for_events,
 * which re-reads every 5 ms locally), again and again until something comes or the time is up: an
 * event on any shard is returned within about 50 ms of the moment read_all could return it, for
 * about 20 round trips a second to each shard per waiting caller, and nothing on the write path.
 * Same rows, order, filters, cursors and errors as read_all (and, as on one server, ES006 in a
 * REPEATABLE READ or SERIALIZABLE transaction).
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
    v_slice      constant double precision := 0.05;   -- seconds each shard waits per round
    v_map        text := event_store._shard_map();
    v_parts      text[];
    v_targets    record;
    v_deadline   timestamptz;
    v_wait       double precision := 0;
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
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
    v_parts := event_store._feed_parts(p_after, 's1', v_map, NULL, true);
    SELECT * INTO v_targets FROM event_store._feed_targets(v_map, v_parts, p_instance_ids);
    LOOP
        RETURN QUERY
        SELECT * FROM event_store._feed_merge(
            ARRAY(SELECT r FROM event_store_remote.wait_for_events(
                      v_targets.partitions, v_targets.shards, v_targets.parts, v_wait, p_limit, p_event_types,
                      p_instance_ids, v_targets.instance_shards, p_project) r),
            v_parts, p_limit, 's1', v_map);
        EXIT WHEN FOUND;
        v_wait := least(v_slice, extract(epoch FROM v_deadline - pg_catalog.clock_timestamp())::double precision);
        EXIT WHEN v_wait <= 0;
    END LOOP;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.wait_for_events(text, double precision, int, text[], text[], text) IS
    'read_all that waits: the next committed events after the cursor p_after (NULL = from the beginning), '
    'as soon as there are any on any shard, or no rows after p_timeout_seconds (0-60, default 10). Same rows, '
    'order, filters and cursors as read_all; pass the last row''s cursor to wait again. Costs writers nothing '
    '(no NOTIFY): through the proxy each shard waits in rounds of 50 ms, so an event comes within about 50 ms. '
    'Errors: as read_all; ES006 timeout out of range or a REPEATABLE READ / SERIALIZABLE transaction; '
    'ES010 a shard is unavailable.';

REVOKE ALL ON FUNCTION event_store.wait_for_events(text, double precision, int, text[], text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.wait_for_events(text, double precision, int, text[], text[], text)
    TO event_store_reader;

COMMIT;
