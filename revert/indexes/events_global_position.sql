-- Revert supervisor_event_store:indexes/events_global_position from pg

BEGIN;

DROP INDEX event_store.events_global_position_idx;

COMMIT;
