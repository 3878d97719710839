-- Revert supervisor_event_store_proxy:functions/list_subscriptions from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.list_subscriptions();

COMMIT;
