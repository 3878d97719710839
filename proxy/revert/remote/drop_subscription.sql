-- Revert supervisor_event_store_proxy:remote/drop_subscription from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.drop_subscription(integer, text);

COMMIT;
