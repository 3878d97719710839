-- Revert supervisor_event_store_proxy:remote/emit_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.emit_events(text, jsonb, bigint);

COMMIT;
