-- Revert supervisor_event_store_proxy:functions/query_events to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.query_events(text, text[], timestamp with time zone, timestamp with time zone, text, integer, integer, bigint, boolean);

COMMIT;
