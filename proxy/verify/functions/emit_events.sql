-- Verify supervisor_event_store_proxy:functions/emit_events on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_writer', 'event_store.emit_events(text, jsonb, bigint)', 'execute')::int;

ROLLBACK;
