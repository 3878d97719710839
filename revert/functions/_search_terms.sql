-- Revert supervisor_event_store:functions/_search_terms from pg

BEGIN;

DROP FUNCTION event_store._search_terms(text);

COMMIT;
