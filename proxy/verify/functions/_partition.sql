-- Verify supervisor_event_store_proxy:functions/_partition on pg

BEGIN;


SELECT 1 / (event_store._partition('odin-PS-8f4a2b') BETWEEN 0 AND 15)::int;
ROLLBACK;
