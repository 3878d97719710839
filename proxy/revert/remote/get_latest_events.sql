-- Revert supervisor_event_store_proxy:remote/get_latest_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.get_latest_events(text, integer);

COMMIT;
