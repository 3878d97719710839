-- Revert supervisor_event_store_proxy:functions/get_latest_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.get_latest_events(text, integer);

COMMIT;
