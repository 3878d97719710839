-- Verify supervisor_event_store_proxy:functions/read_all on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.read_all(text, integer, text[], text[], text)', 'execute')::int;

ROLLBACK;
