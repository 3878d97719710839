-- Revert supervisor_event_store_proxy:remote/emit_event to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.emit_event(text, text, jsonb, jsonb, uuid, bigint);

COMMIT;
