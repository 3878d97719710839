-- Verify supervisor_event_store:functions/_check_metadata on pg

BEGIN;

SELECT 1 / event_store._check_metadata('{"a": 1}')::int;

ROLLBACK;
