-- Verify supervisor_event_store_proxy:types/event_types on pg

BEGIN;


SELECT NULL::event_store.event_types;
ROLLBACK;
