-- Verify supervisor_event_store_proxy:servers/event_store_shards on pg

BEGIN;


SELECT 1 / count(*)::int FROM pg_catalog.pg_foreign_server WHERE srvname = 'event_store_shards' AND cardinality(srvoptions) = 16;
ROLLBACK;
