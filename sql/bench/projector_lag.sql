-- The fleet projection's lag, sampled by tests/bench/read_bench.py and projector_bench.sh: the
-- events after the watermark (count, the age of the oldest in seconds), those of them below the
-- feed's horizon (which the projector could already apply) and the age of the oldest transaction
-- holding an xid, as "count|age|ready|ready_age|oldest_xact_age", all in one snapshot.
-- The watermark is read first and used as values: joined to projections (or compared with a
-- subquery), the planner scans the whole events table (seconds at 10M events), and an age taken
-- with clock_timestamp() then counted that scan as lag. Ages are measured against now(): the
-- transaction's start, when its snapshot is taken.
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT w.feed_key AS mark_key, w.global_position AS mark_pos
  FROM event_store.projections w WHERE w.projection_name = 'fleet_index' \gset
SELECT count(*),
       coalesce(extract(epoch FROM now() - min(e."timestamp")), 0),
       count(*) FILTER (WHERE e.feed_key < pg_snapshot_xmin(pg_current_snapshot())),
       coalesce(extract(epoch FROM now() - min(e."timestamp")
                                   FILTER (WHERE e.feed_key < pg_snapshot_xmin(pg_current_snapshot()))), 0),
       (SELECT coalesce(extract(epoch FROM now() - min(a.xact_start)), 0) FROM pg_stat_activity a
         WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid())
  FROM event_store.events e
 WHERE (e.feed_key, e.global_position) > (:'mark_key'::xid8, :mark_pos);
COMMIT;
