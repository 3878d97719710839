-- Revert supervisor_event_store_proxy:functions/emit_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.emit_events(text, jsonb, bigint);

COMMIT;
