-- Revert supervisor_event_store_proxy:remote/poll_subscription from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.poll_subscription(integer, integer, text, integer, integer);

COMMIT;
