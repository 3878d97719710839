-- Revert supervisor_event_store:tables/subscriptions from pg

BEGIN;

DROP TABLE event_store.subscriptions;

COMMIT;
