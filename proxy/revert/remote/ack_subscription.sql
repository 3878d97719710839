-- Revert supervisor_event_store_proxy:remote/ack_subscription from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.ack_subscription(integer, text, text, integer);

COMMIT;
