-- Verify supervisor_event_store_proxy:functions/feed_cursor on pg

BEGIN;

SELECT 1 / has_function_privilege('event_store_reader', 'event_store.feed_cursor(text)', 'execute')::int;

ROLLBACK;
