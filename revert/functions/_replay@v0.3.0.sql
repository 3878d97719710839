-- Revert supervisor_event_store:functions/_replay from pg

BEGIN;

DROP FUNCTION event_store._store_snapshot(text, event_store._fold_acc);
DROP FUNCTION event_store._replay(text, bigint);

COMMIT;
