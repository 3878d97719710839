-- Verify supervisor_event_store:functions/_feed_key_since on pg

BEGIN;

SELECT 'event_store._feed_key_since(timestamptz)'::regprocedure;

ROLLBACK;
