-- Revert supervisor_event_store:functions/_lock_stream from pg

BEGIN;

DROP FUNCTION event_store._try_lock_stream(text);
DROP FUNCTION event_store._lock_stream(text);

COMMIT;
