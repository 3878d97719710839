-- Revert supervisor_event_store:tables/subscription_slots from pg

BEGIN;

DROP TABLE event_store.subscription_slots;

COMMIT;
