-- Revert supervisor_event_store:functions/_search_text from pg

BEGIN;

DROP FUNCTION event_store._search_text(jsonb, jsonb);

COMMIT;
