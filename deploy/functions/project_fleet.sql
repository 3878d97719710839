-- Deploy supervisor_event_store:functions/project_fleet to pg
-- requires: functions/project_fleet@v0.6.0
-- requires: columns/fleet_type_counts_min_position
-- requires: tables/projections
-- requires: tables/fleet_index
-- requires: tables/fleet_type_counts
-- requires: functions/_search_text
-- requires: indexes/events_feed_key
-- requires: roles/event_store_admin

BEGIN;

/*
 * One batch of the fleet projection: the next p_limit events of the change feed after the
 * fleet_index watermark (below the transaction horizon, in (feed_key, global_position) order,
 * exactly as read_all delivers them: never skipping a late commit) go into fleet_index and
 * fleet_type_counts (with each type and hour's smallest position,
 * columns/fleet_type_counts_min_position), and the watermark moves to the last of them, in one
 * transaction.
 * Returns how many events it applied: 0 when there is nothing new, or when another projector
 * holds the watermark row (SKIP LOCKED: two projectors never wait for each other, and never
 * apply an event twice).
 * Keep batches short: like any writing transaction, a batch holds the feed's horizon (and so
 * read_all followers) until it commits; run_projector takes 1,000 at a time.
 */
CREATE OR REPLACE FUNCTION event_store.project_fleet(
    p_limit int DEFAULT 1000
)
    RETURNS int
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_mark event_store.projections;
    v_n    int;
    v_key  xid8;
    v_pos  bigint;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'invalid limit %: must be between 1 and 100000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Call again for the events after a batch.';
    END IF;
    SELECT * INTO v_mark FROM event_store.projections p
     WHERE p.projection_name = 'fleet_index' FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN 0;   -- another projector is at work
    END IF;

    WITH batch AS (
        SELECT e.global_position, e.feed_key, e.instance_id, e.sequence_num, e.event_type, e."timestamp",
               event_store._search_text(e.event_data, e.metadata) AS search_text
          FROM event_store.events e
         WHERE (e.feed_key, e.global_position) > (v_mark.feed_key, v_mark.global_position)
           AND e.feed_key < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY e.feed_key, e.global_position
         LIMIT p_limit
    ), rows AS (
        INSERT INTO event_store.fleet_index
               (global_position, feed_key, instance_id, sequence_num, event_type, "timestamp", search_text)
        SELECT b.global_position, b.feed_key, b.instance_id, b.sequence_num, b.event_type, b."timestamp",
               b.search_text
          FROM batch b
    ), counts AS (
        INSERT INTO event_store.fleet_type_counts AS c (event_type, hour, event_count, min_global_position)
        SELECT b.event_type, date_trunc('hour', b."timestamp", 'UTC'), count(*), min(b.global_position)
          FROM batch b
         GROUP BY 1, 2
            ON CONFLICT (event_type, hour) DO UPDATE
           SET event_count = c.event_count + excluded.event_count,
               min_global_position = CASE WHEN c.min_global_position IS NULL THEN NULL   -- unknown stays unknown
                                          ELSE least(c.min_global_position, excluded.min_global_position) END
    )
    SELECT (SELECT count(*) FROM batch),
           l.feed_key, l.global_position
      INTO v_n, v_key, v_pos
      FROM (SELECT b.feed_key, b.global_position FROM batch b
             ORDER BY b.feed_key DESC, b.global_position DESC LIMIT 1) l;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    UPDATE event_store.projections p
       SET feed_key = v_key, global_position = v_pos, events_projected = p.events_projected + v_n,
           updated_at = now()
     WHERE p.projection_name = 'fleet_index';
    RETURN v_n;
END
$$;

COMMENT ON FUNCTION event_store.project_fleet(int) IS
    'Admin (the projector): apply the next p_limit (1-100000, default 1000) events of the change feed to '
    'the fleet projection (fleet_index, fleet_type_counts) and move its watermark; returns how many. '
    '0 when nothing is new or another projector is at work. Errors: ES006 invalid limit.';

REVOKE ALL ON FUNCTION event_store.project_fleet(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.project_fleet(int) TO event_store_admin;

/*
 * Fill fleet_type_counts.min_global_position from fleet_index (columns/fleet_type_counts_min_position
 * added it unknown). The watermark row is locked first, as a batch locks it: a batch still running
 * the previous body commits before this reads fleet_index, and one that starts meanwhile finds the
 * row locked and applies nothing (SKIP LOCKED); after this commits, every batch runs the body above.
 */
SELECT FROM event_store.projections p WHERE p.projection_name = 'fleet_index' FOR UPDATE;
UPDATE event_store.fleet_type_counts c
   SET min_global_position = m.p
  FROM (SELECT f.event_type, date_trunc('hour', f."timestamp", 'UTC') AS hour, min(f.global_position) AS p
          FROM event_store.fleet_index f
         GROUP BY 1, 2) m
 WHERE c.event_type = m.event_type AND c.hour = m.hour;

COMMIT;
