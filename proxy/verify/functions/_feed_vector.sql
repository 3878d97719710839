-- Verify supervisor_event_store_proxy:functions/_feed_vector on pg

BEGIN;

SELECT has_function_privilege('event_store._feed_vector(text, text, text[], text)', 'execute');

ROLLBACK;
