-- Revert supervisor_event_store:functions/read_all from pg

BEGIN;

DROP FUNCTION event_store.read_all(text, int, text[], text[], text);

COMMIT;
