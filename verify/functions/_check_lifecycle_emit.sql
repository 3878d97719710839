-- Verify supervisor_event_store:functions/_check_lifecycle_emit on pg

BEGIN;

SELECT 1 / event_store._check_lifecycle_emit('epic_started')::int;

ROLLBACK;
