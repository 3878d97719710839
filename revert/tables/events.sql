-- Revert supervisor_event_store:tables/events from pg

BEGIN;

DROP TABLE event_store.events;

COMMIT;
