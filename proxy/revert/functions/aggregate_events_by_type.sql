-- Revert supervisor_event_store_proxy:functions/aggregate_events_by_type to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.aggregate_events_by_type(text, timestamp with time zone, timestamp with time zone);

COMMIT;
