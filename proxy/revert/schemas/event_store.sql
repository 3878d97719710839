-- Revert supervisor_event_store_proxy:schemas/event_store from pg

BEGIN;


DROP SCHEMA event_store;


COMMIT;
