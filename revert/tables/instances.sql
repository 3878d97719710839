-- Revert supervisor_event_store:tables/instances from pg

BEGIN;

DROP TABLE event_store.instances;

COMMIT;
