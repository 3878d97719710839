-- Revert supervisor_event_store:tables/snapshots from pg

BEGIN;

DROP TABLE event_store.snapshots;

COMMIT;
