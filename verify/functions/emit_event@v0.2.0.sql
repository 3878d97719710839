-- Verify supervisor_event_store:functions/emit_event on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('event_store_writer',
    'event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint)', 'execute')::int;

ROLLBACK;
