-- Revert supervisor_event_store:tables/projections from pg

BEGIN;

DROP TABLE event_store.projections;

COMMIT;
