-- Revert supervisor_event_store:functions/aggregate_events_by_type from pg

BEGIN;

DROP FUNCTION event_store.aggregate_events_by_type(text, timestamptz, timestamptz);

COMMIT;
