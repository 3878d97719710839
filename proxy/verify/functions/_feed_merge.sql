-- Verify supervisor_event_store_proxy:functions/_feed_merge on pg

BEGIN;

SELECT has_function_privilege('event_store._feed_merge(event_store_remote.feed_row[], text[], integer, text, text, text)', 'execute');

ROLLBACK;
