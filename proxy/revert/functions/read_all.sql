-- Revert supervisor_event_store_proxy:functions/read_all from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.read_all(text, integer, text[], text[], text);

COMMIT;
