-- Revert supervisor_event_store:functions/_check_feed_filters from pg

BEGIN;

DROP FUNCTION event_store._check_feed_filters(text[], text[], text);

COMMIT;
