-- Revert supervisor_event_store_proxy:schemas/event_store_remote from pg

BEGIN;


DROP SCHEMA event_store_remote;


COMMIT;
