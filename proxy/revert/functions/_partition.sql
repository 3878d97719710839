-- Revert supervisor_event_store_proxy:functions/_partition from pg

BEGIN;


DROP FUNCTION IF EXISTS event_store._partition(text);


COMMIT;
