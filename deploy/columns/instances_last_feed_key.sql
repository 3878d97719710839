-- Deploy supervisor_event_store:columns/instances_last_feed_key to pg
-- requires: tables/instances
-- requires: columns/events_feed_key

BEGIN;

/*
 * The feed key of the stream head (see columns/events_feed_key): emit_event and emit_events set
 * it to greatest(itself, pg_current_xact_id()) in the head-bump UPDATE and store it on the new
 * events. Not indexed and not checked by the row trigger, so the bump stays a HOT update.
 * Existing rows: the largest feed key of the instance's events ('0' when it has none).
 */
LOCK TABLE event_store.instances IN ACCESS EXCLUSIVE MODE;

ALTER TABLE event_store.instances ADD COLUMN last_feed_key xid8 NOT NULL DEFAULT '0';

UPDATE event_store.instances i
   SET last_feed_key = s.k
  FROM (SELECT e.instance_id, max(e.feed_key) AS k FROM event_store.events e GROUP BY e.instance_id) s
 WHERE s.instance_id = i.instance_id;

COMMENT ON COLUMN event_store.instances.last_feed_key IS
    'Feed key of the stream head: the largest events.feed_key of the instance (0 = none yet).';

COMMIT;
