-- Verify supervisor_event_store:functions/_validate_event on pg

BEGIN;

SELECT 1 / event_store._validate_event('epic_started', '{"epic_id": "E-1"}')::int;

ROLLBACK;
