-- Verify supervisor_event_store:tables/events on pg

BEGIN;

SELECT event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
       created_at, updated_at, global_position, transaction_id
  FROM event_store.events
 WHERE false;

ROLLBACK;
