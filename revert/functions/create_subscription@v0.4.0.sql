-- Revert supervisor_event_store:functions/create_subscription from pg

BEGIN;

DROP FUNCTION event_store.create_subscription(text, text, text[], text[], text, int, interval);

COMMIT;
