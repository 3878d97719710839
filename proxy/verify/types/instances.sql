-- Verify supervisor_event_store_proxy:types/instances on pg

BEGIN;


SELECT NULL::event_store.instances;
ROLLBACK;
