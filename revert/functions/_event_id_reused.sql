-- Revert supervisor_event_store:functions/_event_id_reused from pg

BEGIN;

DROP FUNCTION event_store._event_id_reused(uuid, event_store.events, text, text);

COMMIT;
