-- Revert supervisor_event_store:functions/_lock_stream from pg: restores the @v0.3.0 version (advisory lock).
-- requires: schemas/event_store

BEGIN;

/*
 * An instance's stream lock: a transaction-level advisory lock on a 64-bit hash of the instance
 * id, held until commit or rollback. Every function that locks an instance's row (to bump its
 * stream head, or to change it) takes this lock first, so:
 *   - writers to one hot stream queue in the advisory lock's FIFO instead of piling onto the row
 *     lock (measured, write_bench.sh, 16 clients on one instance: p99 40-42 -> 13 ms,
 *     1.9k -> 2.4k events/s; docs/benchmarks.md);
 *   - the order is always stream lock, then row lock, and it is a rule: a function that holds an
 *     instance's row (heartbeat, register_instance) and then emits would otherwise deadlock with
 *     an emit queued on the stream lock and waiting for that row. Anyone changing an instances
 *     row by hand in a transaction that also emits must take this lock first, too.
 *     mark_stale_instances only tries it, so it never waits.
 * One SQL expression without a SET clause, so the planner inlines it into the caller's cached
 * plan (no extra function call per emit). Keys are 64-bit hashes with a fixed seed: two streams,
 * or a stream and another application's advisory lock, sharing a key is negligible (and would
 * only make them queue together).
 */
CREATE OR REPLACE FUNCTION event_store._lock_stream(
    p_instance_id text
)
    RETURNS void
    LANGUAGE sql
    VOLATILE
AS $$
    SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_instance_id, 1702392166))
$$;

COMMENT ON FUNCTION event_store._lock_stream(text) IS
    'Internal: take the stream lock of an instance (transaction advisory lock on a hash of its id), '
    'before its row: fair queueing on hot streams and one lock order everywhere.';

REVOKE ALL ON FUNCTION event_store._lock_stream(text) FROM PUBLIC;

/*
 * The non-blocking form, for mark_stale_instances: true when the lock is now held (by this
 * transaction), false when another transaction holds it.
 */
CREATE OR REPLACE FUNCTION event_store._try_lock_stream(
    p_instance_id text
)
    RETURNS boolean
    LANGUAGE sql
    VOLATILE
AS $$
    SELECT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended(p_instance_id, 1702392166))
$$;

COMMENT ON FUNCTION event_store._try_lock_stream(text) IS
    'Internal: take the stream lock of an instance if it is free; false when another transaction holds it.';

REVOKE ALL ON FUNCTION event_store._try_lock_stream(text) FROM PUBLIC;

COMMENT ON TABLE event_store.instances IS
    'Registry of supervisor instances. Each row is also the head of its event stream: '
    'emit functions lock it with UPDATE ... RETURNING to hand out gap-free sequence numbers. '
    'Every function takes the instance''s stream lock (event_store._lock_stream) before its row: '
    'do the same before changing a row by hand in a transaction that also emits.';

COMMIT;
