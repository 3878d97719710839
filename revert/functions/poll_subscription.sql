-- Revert supervisor_event_store:functions/poll_subscription from pg

BEGIN;

DROP FUNCTION event_store.poll_subscription(text, int, int);

COMMIT;
