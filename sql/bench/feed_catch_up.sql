-- Server-side catch-up through read_all pages of :page rows (tests/bench/feed_bench.py --server):
-- every row is produced by read_all and read by the loop; no client transfer.
DO $$
DECLARE
    v_cursor text;
    v_last   text;
    v_rows   bigint := 0;
    v_page   int;
    v_start  timestamptz := clock_timestamp();
BEGIN
    LOOP
        v_page := 0;
        FOR v_last IN SELECT r.cursor FROM event_store.read_all(v_cursor, current_setting('bench.page')::int) r LOOP
            v_page := v_page + 1;
        END LOOP;
        EXIT WHEN v_page = 0;
        v_rows := v_rows + v_page;
        v_cursor := v_last;
    END LOOP;
    RAISE NOTICE 'server-side: % events in % s: % events/s', v_rows,
        round(extract(epoch FROM clock_timestamp() - v_start)::numeric, 2),
        round(v_rows / extract(epoch FROM clock_timestamp() - v_start));
END
$$;
