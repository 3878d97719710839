-- Verify supervisor_event_store_proxy:types/feed_row on pg

BEGIN;

SELECT NULL::event_store_remote.feed_row;

ROLLBACK;
