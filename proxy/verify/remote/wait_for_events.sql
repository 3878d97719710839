-- Verify supervisor_event_store_proxy:remote/wait_for_events on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.wait_for_events(integer[], integer[], text[], double precision, integer, text[], text[], integer[], text)', 'execute');

ROLLBACK;
