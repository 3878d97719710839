-- Revert supervisor_event_store_proxy:remote/list_subscriptions from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.list_subscriptions(integer[], integer[]);

COMMIT;
