-- Verify supervisor_event_store:tables/lifecycle_key on pg

BEGIN;

SELECT 1 / count(*) FROM event_store.lifecycle_key;

ROLLBACK;
