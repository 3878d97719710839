-- Revert supervisor_event_store_proxy:types/instances from pg

BEGIN;


DROP TYPE IF EXISTS event_store.instances;


COMMIT;
