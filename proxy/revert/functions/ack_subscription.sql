-- Revert supervisor_event_store_proxy:functions/ack_subscription from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.ack_subscription(text, text, integer);

COMMIT;
