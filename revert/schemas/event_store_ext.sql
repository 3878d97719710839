-- Revert supervisor_event_store:schemas/event_store_ext from pg

BEGIN;

DROP SCHEMA event_store_ext;

COMMIT;
