-- Revert supervisor_event_store:functions/_keyword_terms from pg

BEGIN;

DROP FUNCTION event_store._keyword_terms(text);

COMMIT;
