-- Revert supervisor_event_store_proxy:types/event_types from pg

BEGIN;


DROP TYPE IF EXISTS event_store.event_types;


COMMIT;
