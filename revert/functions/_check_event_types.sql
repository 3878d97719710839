-- Revert supervisor_event_store:functions/_check_event_types from pg

BEGIN;

DROP FUNCTION event_store._check_event_types(text[]);

COMMIT;
