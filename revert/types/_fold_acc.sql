-- Revert supervisor_event_store:types/_fold_acc from pg

BEGIN;

DROP TYPE event_store._fold_acc;

COMMIT;
