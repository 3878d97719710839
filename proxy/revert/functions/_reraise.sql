-- Revert supervisor_event_store_proxy:functions/_reraise from pg

BEGIN;


DROP FUNCTION IF EXISTS event_store._reraise(text, text, text, text, integer);


COMMIT;
