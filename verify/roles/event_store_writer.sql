-- Verify supervisor_event_store:roles/event_store_writer on pg

BEGIN;

SELECT 1 / COUNT(*) FROM pg_catalog.pg_roles WHERE rolname = 'event_store_writer' AND NOT rolcanlogin;
SELECT 1 / (pg_catalog.has_schema_privilege('event_store_writer', 'event_store', 'usage'))::int;

ROLLBACK;
