-- Revert supervisor_event_store_proxy:functions/drop_subscription from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.drop_subscription(text);

COMMIT;
