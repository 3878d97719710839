-- Revert supervisor_event_store_proxy:functions/create_subscription from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.create_subscription(text, text, text[], text[], text, integer, interval);

COMMIT;
