-- Verify supervisor_event_store_proxy:remote/read_all on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.read_all(integer[], integer[], text[], integer, text[], text[], integer[], text)', 'execute');

ROLLBACK;
