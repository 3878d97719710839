-- Revert supervisor_event_store_proxy:remote/read_all from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.read_all(integer[], integer[], text[], integer, text[], text[], integer[], text);

COMMIT;
