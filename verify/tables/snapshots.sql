-- Verify supervisor_event_store:tables/snapshots on pg

BEGIN;

SELECT snapshot_id, instance_id, sequence_num, event_id, fold_version, state, created_at
  FROM event_store.snapshots
 WHERE false;

ROLLBACK;
