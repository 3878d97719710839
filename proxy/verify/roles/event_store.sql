-- Verify supervisor_event_store_proxy:roles/event_store on pg

BEGIN;


SELECT 1 / count(*)::int / (count(*) = 3)::int FROM pg_catalog.pg_roles
 WHERE rolname IN ('event_store_reader', 'event_store_writer', 'event_store_admin') AND NOT rolcanlogin;
ROLLBACK;
