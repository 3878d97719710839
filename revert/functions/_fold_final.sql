-- Revert supervisor_event_store:functions/_fold_final from pg

BEGIN;

DROP FUNCTION event_store._fold_final(event_store._fold_acc);

COMMIT;
