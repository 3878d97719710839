-- Revert supervisor_event_store:triggers/events_immutable from pg

BEGIN;

DROP TRIGGER events_immutable_whole_stream ON event_store.events;
DROP FUNCTION event_store._refuse_partial_delete();
DROP TRIGGER events_immutable_truncate ON event_store.events;
DROP TRIGGER events_immutable_row ON event_store.events;
DROP FUNCTION event_store._refuse_event_change();

COMMIT;
