-- Revert supervisor_event_store_proxy:functions/replay_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.replay_events(text, bigint);

COMMIT;
