-- Verify supervisor_event_store_proxy:extensions/plproxy on pg

BEGIN;


SELECT 1 / count(*)::int FROM pg_catalog.pg_extension WHERE extname = 'plproxy';
ROLLBACK;
