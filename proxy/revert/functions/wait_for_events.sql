-- Revert supervisor_event_store_proxy:functions/wait_for_events from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.wait_for_events(text, double precision, integer, text[], text[], text);

COMMIT;
