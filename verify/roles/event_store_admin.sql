-- Verify supervisor_event_store:roles/event_store_admin on pg

BEGIN;

SELECT 1 / COUNT(*) FROM pg_catalog.pg_roles WHERE rolname = 'event_store_admin' AND NOT rolcanlogin;
SELECT 1 / (pg_catalog.has_schema_privilege('event_store_admin', 'event_store', 'usage'))::int;

ROLLBACK;
