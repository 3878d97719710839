-- Verify supervisor_event_store:tables/fleet_index on pg

BEGIN;

SELECT global_position, feed_key, instance_id, sequence_num, event_type, "timestamp", search_text
  FROM event_store.fleet_index WHERE false;

ROLLBACK;
