-- Revert supervisor_event_store:aggregates/fold_state from pg

BEGIN;

DROP AGGREGATE event_store.fold_state(event_store.events);
DROP FUNCTION event_store._fold_state_final(event_store.events[]);

COMMIT;
