-- Revert supervisor_event_store_proxy:functions/emit_event to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint);

COMMIT;
