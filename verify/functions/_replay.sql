-- Verify supervisor_event_store:functions/_replay on pg

BEGIN;

SELECT 'event_store._replay(text, bigint)'::regprocedure;
SELECT 'event_store._store_snapshot(text, event_store._fold_acc, uuid)'::regprocedure;
SELECT 1 / ('last_event_id' = ANY (p.proargnames))::int
  FROM pg_catalog.pg_proc p WHERE p.oid = 'event_store._replay(text, bigint)'::regprocedure;

ROLLBACK;
