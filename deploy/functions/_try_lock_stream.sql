-- Deploy supervisor_event_store:functions/_try_lock_stream to pg
-- requires: tables/stream_locks

-- Moved here from functions/_lock_stream (issue 14: one function, one change). Its first definition stays in
-- functions/_lock_stream's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * The non-blocking form, for mark_stale_instances: true when the lock is now held (by this
 * transaction), false when another transaction holds it. A missing row (an instance created
 * before stream_locks existed is backfilled at deploy, so only by hand) is inserted first.
 */
CREATE OR REPLACE FUNCTION event_store._try_lock_stream(
    p_instance_id text
)
    RETURNS boolean
    LANGUAGE plpgsql
    VOLATILE
AS $$
BEGIN
    PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        RETURN true;
    END IF;
    IF EXISTS (SELECT FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id) THEN
        RETURN false;                                    -- held by another transaction
    END IF;
    INSERT INTO event_store.stream_locks (instance_id) VALUES (p_instance_id)
        ON CONFLICT (instance_id) DO NOTHING;
    PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE SKIP LOCKED;
    RETURN FOUND;
END
$$;

COMMENT ON FUNCTION event_store._try_lock_stream(text) IS
    'Internal: take the stream lock of an instance if it is free; false when another transaction holds it.';

REVOKE ALL ON FUNCTION event_store._try_lock_stream(text) FROM PUBLIC;

COMMIT;
