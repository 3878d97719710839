-- Revert supervisor_event_store:functions/replay_events from pg

BEGIN;

DROP FUNCTION event_store.replay_events(text, bigint);

COMMIT;
