-- Verify supervisor_event_store:functions/_check_feed_filters on pg

BEGIN;

SELECT event_store._check_feed_filters(NULL, NULL, NULL);

ROLLBACK;
