-- Revert supervisor_event_store:functions/project_snapshots from pg

BEGIN;

DROP FUNCTION event_store.project_snapshots(int, int);

COMMIT;
