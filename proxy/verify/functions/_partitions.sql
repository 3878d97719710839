-- Verify supervisor_event_store_proxy:functions/_partitions on pg

BEGIN;


SELECT 1 / (count(*) = 16)::int FROM event_store._partitions(NULL);
ROLLBACK;
