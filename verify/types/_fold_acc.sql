-- Verify supervisor_event_store:types/_fold_acc on pg

BEGIN;

SELECT (NULL::event_store._fold_acc).total_events;

ROLLBACK;
