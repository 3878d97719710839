-- Verify supervisor_event_store:functions/_fold_apply on pg

BEGIN;

SELECT 1 / ((event_store._fold_apply(event_store._fold_initial(), '{}')).total_events = 0)::int;

ROLLBACK;
