-- Verify supervisor_event_store_proxy:functions/_feed_targets on pg

BEGIN;

SELECT has_function_privilege('event_store._feed_targets(text, text[], text[])', 'execute');

ROLLBACK;
