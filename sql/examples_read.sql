-- Read-side examples for psql against a deployed database with some events, e.g.
--   psql postgresql://postgres@127.0.0.1:54329/event_store -f sql/examples_read.sql
-- Run as the owner or a member of event_store_reader (create_snapshot needs event_store_writer).
-- Pick the instance with -v instance=ID (default: the instance with the most events).
\if :{?instance}
\else
SELECT instance_id AS instance FROM event_store.instances ORDER BY last_sequence_num DESC LIMIT 1 \gset
\endif
\echo instance: :instance
\x auto

-- The first page of an instance's events, with total_count and has_more on every row.
SELECT sequence_num, event_type, "timestamp", event_data, total_count, has_more
  FROM event_store.query_events(:'instance', p_limit => 5);

-- The next page by keyset (fast at any depth): events after sequence 5.
SELECT sequence_num, event_type FROM event_store.query_events(:'instance', p_after_sequence => 5, p_limit => 5);

-- Filters combine with AND: two types in the last 7 days (dates are inclusive).
SELECT sequence_num, event_type, "timestamp"
  FROM event_store.query_events(:'instance', ARRAY['test_failed', 'commit_created'],
                                now() - interval '7 days', now(), p_limit => 10);

-- Keyword: case-insensitive literal substring of data or metadata values ('%' and '_' are literal).
-- Across all instances it needs 3+ characters and uses the trigram index.
SELECT instance_id, sequence_num, event_type, event_data
  FROM event_store.query_events(p_keyword => 'timeout', p_limit => 5);

-- The newest events, one event by id, the count.
SELECT sequence_num, event_type FROM event_store.get_latest_events(:'instance', 3);
SELECT instance_id, sequence_num, event_type
  FROM event_store.get_event_by_id((SELECT event_id FROM event_store.get_latest_events(:'instance', 1)));
SELECT event_store.get_event_count(:'instance') AS events;

-- Aggregates: counts per type for the instance, and system-wide for the last day.
SELECT * FROM event_store.aggregate_events_by_type(:'instance');
SELECT * FROM event_store.aggregate_events_by_type(NULL, now() - interval '1 day', now());
SELECT event_type, category, description FROM event_store.list_event_types('testing');

-- Replay: the state a supervisor resumes from, all events or up to a sequence number.
SELECT events_replayed, duration_ms, jsonb_pretty(final_state) AS state
  FROM event_store.replay_events(:'instance');
SELECT final_state -> 'tests' AS tests_at_10 FROM event_store.replay_events(:'instance', 10);

-- fold_state used directly (as the owner): any subset of events, in sequence order.
SELECT event_store.fold_state(e ORDER BY e.sequence_num) -> 'git' AS git
  FROM event_store.events e
 WHERE e.instance_id = :'instance';

-- Snapshots: take one at the head; the next replay reads only the events after it.
SELECT * FROM event_store.create_snapshot(:'instance');
SELECT events_replayed, duration_ms FROM event_store.replay_events(:'instance');
-- Automatic snapshots every 1000 events read by replay_events (off by default):
--   ALTER DATABASE event_store SET event_store.snapshot_every = 1000;
