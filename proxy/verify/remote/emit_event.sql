-- Verify supervisor_event_store_proxy:remote/emit_event on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.emit_event(text, text, jsonb, jsonb, uuid, bigint)', 'execute');

ROLLBACK;
