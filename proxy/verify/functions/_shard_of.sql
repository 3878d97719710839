-- Verify supervisor_event_store_proxy:functions/_shard_of on pg

BEGIN;

SELECT has_function_privilege('event_store._shard_of(text, text)', 'execute');

ROLLBACK;
