-- Verify supervisor_event_store_proxy:functions/configure_shards on pg

BEGIN;


SELECT 1 / has_function_privilege('event_store_admin', 'event_store.configure_shards(text[])', 'execute')::int;
ROLLBACK;
