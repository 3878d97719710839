-- Revert supervisor_event_store_proxy:remote/aggregate_events_by_type to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.aggregate_events_by_type(text, timestamp with time zone, timestamp with time zone);

COMMIT;
