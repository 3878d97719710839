-- Revert supervisor_event_store_proxy:functions/count_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.count_events(text, text[], timestamp with time zone, timestamp with time zone, text, bigint);

COMMIT;
