-- Verify supervisor_event_store:tables/projections on pg

BEGIN;

SELECT projection_name, feed_key, global_position, events_projected, updated_at
  FROM event_store.projections WHERE false;

ROLLBACK;
