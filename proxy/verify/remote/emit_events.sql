-- Verify supervisor_event_store_proxy:remote/emit_events on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.emit_events(text, jsonb, bigint)', 'execute');

ROLLBACK;
