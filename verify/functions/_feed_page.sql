-- Verify supervisor_event_store:functions/_feed_page on pg

BEGIN;

SELECT count(*) FROM event_store._feed_page('0', 0, '0', 1, NULL, NULL, NULL, 1, 0, NULL);

ROLLBACK;
