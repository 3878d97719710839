-- Revert supervisor_event_store:tables/event_types from pg

BEGIN;

DROP TABLE event_store.event_types;

COMMIT;
