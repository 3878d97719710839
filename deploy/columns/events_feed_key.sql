-- Deploy supervisor_event_store:columns/events_feed_key to pg
-- requires: tables/events
-- requires: triggers/events_immutable

BEGIN;

/*
 * The change-feed order key (read_all, subscriptions). For an event e of instance I:
 *     feed_key(e) = greatest(e.transaction_id, feed_key(the previous event of I))
 * computed at write time from the stream head (instances.last_feed_key, bumped in the same
 * UPDATE as last_sequence_num). read_all orders by (feed_key, global_position) and reads only
 * feed_key < pg_snapshot_xmin(pg_current_snapshot()):
 * - never skips: an event that becomes visible later belongs to a transaction still running or
 *   not yet started, whose id is >= xmin, so its feed_key >= xmin > every key already delivered;
 * - per-instance order: along a stream feed_key never decreases and global_position increases
 *   (the stream lock serialises the appends);
 * - plain (transaction_id, global_position) breaks the second rule: a transaction that writes
 *   instance A early and B late keeps its (low) id, so its B event would sort before B's earlier,
 *   already committed, events of a younger transaction.
 *
 * Existing rows: the running max of transaction_id over each stream in sequence order, which is
 * what the rule above gives. Writing it is a one-time rewrite of every row under an exclusive
 * lock (appends wait; about 1 min per 10M events on a slow disk, and the table doubles until
 * vacuumed); the immutability triggers are switched off for that one statement only, inside
 * this transaction. The column is derived from the row and the stream, not event content.
 * The default (the own transaction id) covers rows written by a release before the emit
 * functions set it, e.g. while this upgrade runs: such a row is never skipped by the feed.
 */
LOCK TABLE event_store.events IN ACCESS EXCLUSIVE MODE;

ALTER TABLE event_store.events ADD COLUMN feed_key xid8;

ALTER TABLE event_store.events DISABLE TRIGGER events_immutable_row;
UPDATE event_store.events e
   SET feed_key = s.k
  FROM (SELECT x.event_id,
               max(x.transaction_id) OVER (PARTITION BY x.instance_id ORDER BY x.sequence_num) AS k
          FROM event_store.events x) s
 WHERE s.event_id = e.event_id;
ALTER TABLE event_store.events ENABLE TRIGGER events_immutable_row;

ALTER TABLE event_store.events
    ALTER COLUMN feed_key SET DEFAULT pg_current_xact_id(),
    ALTER COLUMN feed_key SET NOT NULL;

COMMENT ON COLUMN event_store.events.feed_key IS
    'Change-feed order key: greatest(transaction_id, feed_key of the instance''s previous event). '
    'read_all orders by (feed_key, global_position) below pg_snapshot_xmin: never skips, never '
    'repeats, keeps each instance in sequence order.';

COMMIT;
