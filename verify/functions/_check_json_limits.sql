-- Verify supervisor_event_store:functions/_check_json_limits on pg

BEGIN;

SELECT 1 / event_store._check_json_limits('{"n": 0.0000000000000000000000000000000001}', 'x', 'ES006')::int;

ROLLBACK;
