-- Revert supervisor_event_store:functions/run_projector from pg

BEGIN;

DROP PROCEDURE event_store.run_projector(int, int);

COMMIT;
