-- Verify supervisor_event_store_proxy:schemas/event_store on pg

BEGIN;


SELECT pg_catalog.has_schema_privilege('event_store', 'usage');
ROLLBACK;
