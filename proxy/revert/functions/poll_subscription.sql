-- Revert supervisor_event_store_proxy:functions/poll_subscription from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.poll_subscription(text, integer, integer);

COMMIT;
