-- Revert supervisor_event_store:functions/_fold_apply from pg

BEGIN;

DROP FUNCTION event_store._fold_apply(event_store._fold_acc, event_store.events[]);
DROP FUNCTION event_store._fold_initial();
DROP FUNCTION event_store._fold_version();

COMMIT;
