-- Verify supervisor_event_store:functions/_try_lock_stream on pg

BEGIN;

SELECT 'event_store._try_lock_stream(text)'::regprocedure;

ROLLBACK;
