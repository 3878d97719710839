-- Verify supervisor_event_store_proxy:functions/emit_event on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_writer', 'event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint)', 'execute')::int;

ROLLBACK;
