-- Revert supervisor_event_store_proxy:remote/wait_for_events from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.wait_for_events(integer[], integer[], text[], double precision, integer, text[], text[], integer[], text);

COMMIT;
