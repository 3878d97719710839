-- Verify supervisor_event_store:functions/_json_within_limits on pg

BEGIN;

SELECT 1 / (event_store._json_within_limits('{"a": [1, 2.5]}') AND NOT event_store._json_within_limits('{"n": 1e100}'))::int;

ROLLBACK;
