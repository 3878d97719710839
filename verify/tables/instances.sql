-- Verify supervisor_event_store:tables/instances on pg

BEGIN;

SELECT instance_id, instance_type, project, status, registered_at, last_heartbeat_at,
       metadata, last_sequence_num
  FROM event_store.instances
 WHERE false;

ROLLBACK;
