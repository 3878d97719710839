-- Revert supervisor_event_store:functions/_check_event_types from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store._check_date_range(timestamptz, timestamptz);
DROP FUNCTION event_store._check_event_types(text[]);

COMMIT;
