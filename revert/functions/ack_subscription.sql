-- Revert supervisor_event_store:functions/ack_subscription from pg

BEGIN;

DROP FUNCTION event_store.ack_subscription(text, text, int);

COMMIT;
