-- Revert supervisor_event_store_proxy:types/events from pg

BEGIN;


DROP TYPE IF EXISTS event_store.events;


COMMIT;
