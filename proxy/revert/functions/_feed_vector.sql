-- Revert supervisor_event_store_proxy:functions/_feed_vector from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store._feed_vector(text, text, text[], text);

COMMIT;
