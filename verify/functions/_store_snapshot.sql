-- Verify supervisor_event_store:functions/_store_snapshot on pg

BEGIN;

SELECT 'event_store._store_snapshot(text, event_store._fold_acc, uuid)'::regprocedure;

ROLLBACK;
