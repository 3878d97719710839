-- Verify supervisor_event_store_proxy:functions/_feed_parts on pg

BEGIN;

SELECT has_function_privilege('event_store._feed_parts(text, text, text, text, boolean)', 'execute');

ROLLBACK;
