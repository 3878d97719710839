-- Verify supervisor_event_store:functions/_check_date_range on pg

BEGIN;

SELECT 'event_store._check_date_range(timestamp with time zone, timestamp with time zone)'::regprocedure;

ROLLBACK;
