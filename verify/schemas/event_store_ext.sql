-- Verify supervisor_event_store:schemas/event_store_ext on pg

BEGIN;

SELECT 1 / (NOT pg_catalog.has_schema_privilege('public', 'event_store_ext', 'USAGE, CREATE'))::int;

ROLLBACK;
