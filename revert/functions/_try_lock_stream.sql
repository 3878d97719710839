-- Revert supervisor_event_store:functions/_try_lock_stream from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from functions/_lock_stream at @v0.3.0).

BEGIN;

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

COMMIT;
