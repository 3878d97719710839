-- Revert supervisor_event_store:functions/list_subscriptions from pg

BEGIN;

DROP FUNCTION event_store.list_subscriptions();

COMMIT;
