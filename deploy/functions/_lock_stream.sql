-- Deploy supervisor_event_store:functions/_lock_stream to pg
-- requires: tables/stream_locks

BEGIN;

/*
 * An instance's stream lock: a row lock (FOR UPDATE) on its row in the owner-only table
 * stream_locks, held until commit or rollback. It was a transaction advisory lock on a hash of
 * the id, and any role that can connect can take any advisory key (issue 10: a role with no
 * grants froze writes to any instance). A row lock needs UPDATE privilege on the table, which no
 * role but the owner has. Every function that locks an instance's row (to bump its stream head,
 * or to change it) takes this lock first, so:
 *   - writers to one hot stream queue on this row's tuple lock in arrival order: the row is only
 *     ever locked, never updated, so it keeps one version and waiters do not re-queue as they do
 *     on the instances row, which every head bump replaces (docs/benchmarks.md);
 *   - the order is always stream lock, then row lock, and it is a rule: a function that holds an
 *     instance's row (heartbeat, register_instance) and then emits would otherwise deadlock with
 *     an emit queued on the stream lock and waiting for that row. Anyone changing an instances
 *     row by hand in a transaction that also emits must take this lock first, too.
 *     mark_stale_instances only tries it (_try_lock_stream), so it never waits.
 * The row of a new instance is inserted here (ON CONFLICT DO NOTHING waits for a concurrent
 * insert of the same id, then the SELECT locks the committed row); a call for an id that never
 * gets registered raises ES002 afterwards, which rolls the insert back. PL/pgSQL without a SET
 * clause: its plans are cached per session (a LANGUAGE sql body with a FROM clause is never
 * inlined and would be planned on every call); it is internal, called only from functions that
 * pin search_path, and names every object with its schema.
 */
CREATE OR REPLACE FUNCTION event_store._lock_stream(
    p_instance_id text
)
    RETURNS void
    LANGUAGE plpgsql
    VOLATILE
AS $$
BEGIN
    PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO event_store.stream_locks (instance_id) VALUES (p_instance_id)
            ON CONFLICT (instance_id) DO NOTHING;
        PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE;
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._lock_stream(text) IS
    'Internal: take the stream lock of an instance (a row lock on its stream_locks row, which only the '
    'owner can take), before its instances row: fair queueing on hot streams and one lock order everywhere.';

REVOKE ALL ON FUNCTION event_store._lock_stream(text) FROM PUBLIC;

COMMENT ON TABLE event_store.instances IS
    'Registry of supervisor instances. Each row is also the head of its event stream: '
    'emit functions lock it with UPDATE ... RETURNING to hand out gap-free sequence numbers. '
    'Every function takes the instance''s stream lock (event_store._lock_stream, a row lock in stream_locks) '
    'before its row: do the same before changing a row by hand in a transaction that also emits.';

COMMIT;
