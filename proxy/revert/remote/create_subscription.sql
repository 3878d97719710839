-- Revert supervisor_event_store_proxy:remote/create_subscription from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.create_subscription(integer[], integer[], text[], text, text[], text[], integer[], text, integer, interval);

COMMIT;
