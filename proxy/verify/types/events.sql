-- Verify supervisor_event_store_proxy:types/events on pg

BEGIN;


SELECT NULL::event_store.events;
ROLLBACK;
