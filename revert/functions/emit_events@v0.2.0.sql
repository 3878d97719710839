-- Revert supervisor_event_store:functions/emit_events from pg

BEGIN;

DROP FUNCTION event_store.emit_events(text, jsonb, bigint);
DROP FUNCTION event_store._bump_head(text, int, bigint);

COMMIT;
