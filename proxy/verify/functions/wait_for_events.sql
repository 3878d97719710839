-- Verify supervisor_event_store_proxy:functions/wait_for_events on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.wait_for_events(text, double precision, integer, text[], text[], text)', 'execute')::int;

ROLLBACK;
