-- Verify supervisor_event_store_proxy:remote/replay_events on pg

BEGIN;

SELECT has_function_privilege('event_store_remote.replay_events(text, bigint)', 'execute');

ROLLBACK;
