-- Revert supervisor_event_store:functions/project_fleet from pg

BEGIN;

DROP FUNCTION event_store.project_fleet(int);

COMMIT;
