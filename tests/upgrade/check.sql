-- Sqitch upgrade check (make test-sqitch): after upgrading to the head, the events written by
-- each release are all there, in a gap-free stream, and the head keeps counting.
\set ON_ERROR_STOP on
DO $$
DECLARE
    v_seqs bigint[];
    v_next bigint;
BEGIN
    SELECT array_agg(sequence_num ORDER BY sequence_num) INTO v_seqs
      FROM event_store.events WHERE instance_id = 'upgrade-PS-1';
    IF v_seqs IS DISTINCT FROM ARRAY(SELECT generate_series(1, 15)::bigint) THEN
        RAISE EXCEPTION 'upgrade lost or renumbered events: %', v_seqs;
    END IF;
    SELECT sequence_num INTO v_next
      FROM event_store.emit_event('upgrade-PS-1', 'epic_started', '{"epic_id": "E-head"}');
    IF v_next <> 16 THEN
        RAISE EXCEPTION 'after the upgrade the next event got sequence_num %, expected 16', v_next;
    END IF;
    IF (SELECT final_state ->> 'last_epic' FROM event_store.replay_events('upgrade-PS-1')) <> 'E-head' THEN
        RAISE EXCEPTION 'replay after the upgrade does not see the new event';
    END IF;
    RAISE NOTICE 'upgrade check: 15 events from the releases kept, the next one is 16';
END
$$;
-- The change feed over upgraded data (feed_key backfilled): every event, each instance in order.
DO $$
DECLARE
    v_feed   bigint[];
    v_count  bigint;
BEGIN
    -- read_all returns what is below the server's transaction horizon: a transaction open in any
    -- other database (a test run beside this one) holds the newest event back for a while.
    FOR i IN 1 .. 300 LOOP
        SELECT array_agg(sequence_num ORDER BY n), count(*) INTO v_feed, v_count
          FROM event_store.read_all(NULL, 10000) WITH ORDINALITY r(event_id, instance_id, event_type, sequence_num,
                                                                  ts, d, m, c, u, gp, x, cursor, n)
         WHERE instance_id = 'upgrade-PS-1';
        EXIT WHEN v_count >= 16;
        PERFORM pg_sleep(0.1);
    END LOOP;
    IF v_feed IS DISTINCT FROM ARRAY(SELECT generate_series(1, 16)::bigint) THEN
        RAISE EXCEPTION 'read_all after the upgrade: upgrade-PS-1 came as %', v_feed;
    END IF;
    IF (SELECT count(*) FROM event_store.read_all(NULL, 10000)) <> (SELECT count(*) FROM event_store.events) THEN
        RAISE EXCEPTION 'read_all after the upgrade does not return every event';
    END IF;
    IF EXISTS (SELECT FROM event_store.instances i
                WHERE i.last_feed_key IS DISTINCT FROM
                      (SELECT coalesce(max(e.feed_key), '0') FROM event_store.events e WHERE e.instance_id = i.instance_id)) THEN
        RAISE EXCEPTION 'a stream head''s last_feed_key is not the largest feed_key of its events';
    END IF;
    RAISE NOTICE 'upgrade check: read_all returns all % events of upgrade-PS-1 in order', v_count;
END
$$;
-- The fleet projection over upgraded data (issue 12): fleet-wide reads are exact before the
-- projector ran (all from events) and after it caught up (all from fleet_index).
DO $$
DECLARE
    v_before bigint;
    v_after  bigint;
    v_direct bigint := (SELECT count(*) FROM event_store.events WHERE event_type = 'epic_started');
BEGIN
    v_before := (SELECT total_count FROM event_store.query_events(p_event_types => ARRAY['epic_started']) LIMIT 1);
    WHILE event_store.project_fleet(1000) > 0 LOOP END LOOP;
    v_after := (SELECT total_count FROM event_store.query_events(p_event_types => ARRAY['epic_started']) LIMIT 1);
    IF v_before IS DISTINCT FROM v_direct OR v_after IS DISTINCT FROM v_direct THEN
        RAISE EXCEPTION 'fleet query_events after the upgrade: % before projecting, % after, % events', v_before, v_after, v_direct;
    END IF;
    IF (SELECT count(*) FROM event_store.fleet_index) <> (SELECT count(*) FROM event_store.events) THEN
        RAISE EXCEPTION 'the projection does not hold every upgraded event';
    END IF;
    IF EXISTS (SELECT FROM event_store.fleet_type_counts c
                WHERE c.min_global_position IS DISTINCT FROM
                      (SELECT min(f.global_position) FROM event_store.fleet_index f
                        WHERE f.event_type = c.event_type AND date_trunc('hour', f."timestamp", 'UTC') = c.hour)) THEN
        RAISE EXCEPTION 'fleet_type_counts.min_global_position is not each type and hour''s smallest position';
    END IF;
    -- A keyword with whole tokens inside ('v0' and '2' in 'e-v0.2.0'): fleet_index_terms_idx,
    -- built over the upgraded rows.
    IF (SELECT total_count FROM event_store.query_events(p_keyword => 'e-v0.2.0') LIMIT 1) IS DISTINCT FROM 2 THEN
        RAISE EXCEPTION 'the keyword e-v0.2.0 after the upgrade: % events, expected 2',
            (SELECT total_count FROM event_store.query_events(p_keyword => 'e-v0.2.0') LIMIT 1);
    END IF;
    RAISE NOTICE 'upgrade check: the fleet projection holds all % events', (SELECT count(*) FROM event_store.fleet_index);
END
$$;
