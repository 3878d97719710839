-- Revert supervisor_event_store_proxy:remote/replay_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.replay_events(text, bigint);

COMMIT;
