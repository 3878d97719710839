-- Revert supervisor_event_store:functions/_lock_stream from pg

BEGIN;

COMMENT ON TABLE event_store.instances IS
    'Registry of supervisor instances. Each row is also the head of its event stream: '
    'emit functions lock it with UPDATE ... RETURNING to hand out gap-free sequence numbers.';

DROP FUNCTION event_store._try_lock_stream(text);
DROP FUNCTION event_store._lock_stream(text);

COMMIT;
