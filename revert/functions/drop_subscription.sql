-- Revert supervisor_event_store:functions/drop_subscription from pg

BEGIN;

DROP FUNCTION event_store.drop_subscription(text);

COMMIT;
