-- Verify supervisor_event_store_proxy:remote/feed_cursor on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.feed_cursor(integer[], integer[], text)', 'execute');

ROLLBACK;
