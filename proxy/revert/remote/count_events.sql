-- Revert supervisor_event_store_proxy:remote/count_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.count_events(text, text[], timestamp with time zone, timestamp with time zone, text, bigint);

COMMIT;
