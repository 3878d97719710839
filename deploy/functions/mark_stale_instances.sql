-- Deploy supervisor_event_store:functions/mark_stale_instances to pg
-- requires: functions/emit_event
-- requires: roles/event_store_writer
-- requires: functions/_lock_stream
-- requires: functions/_try_lock_stream

BEGIN;

/*
 * Marks every active instance whose last heartbeat is older than p_timeout as stale and emits one
 * instance_stale event for each. Candidates are read without locks, in id order; for each, the
 * stream lock is only tried (_try_lock_stream) and the row locked with SKIP LOCKED and checked
 * again, so this never waits: concurrent callers never deadlock (with each other or with emits)
 * and never mark (or emit for) the same instance twice, and an instance that is busy emitting or
 * heartbeating right now is left for the next call. Each instance marked keeps its stream lock
 * (an entry in the server's shared lock table) until the transaction ends: marking many
 * thousands of instances in one call needs max_locks_per_transaction raised, or several calls
 * with growing timeouts. Each instance_stale event is written with the lifecycle key set
 * (tables/lifecycle_key): emit_event refuses instance_stale from anyone else.
 */
CREATE OR REPLACE FUNCTION event_store.mark_stale_instances(
    p_timeout interval DEFAULT '120 seconds'
)
    RETURNS TABLE (instance_id text, last_heartbeat_at timestamptz, event_id uuid, sequence_num bigint)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_candidate text;
    v_instance  record;
    v_event     record;
    v_key       text := (SELECT k.key FROM event_store.lifecycle_key k);
    v_key_before text := coalesce(current_setting('event_store.lifecycle_key', true), '');
BEGIN
    IF p_timeout IS NULL OR p_timeout < interval '0' OR p_timeout > interval '100 years' THEN
        RAISE EXCEPTION 'timeout must be an interval from 0 to 100 years, got %', coalesce(p_timeout::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'For example interval ''120 seconds''.';
    END IF;

    FOR v_candidate IN
        SELECT i.instance_id
          FROM event_store.instances i
         WHERE i.status = 'active' AND i.last_heartbeat_at < clock_timestamp() - p_timeout
         ORDER BY i.instance_id
    LOOP
        CONTINUE WHEN NOT event_store._try_lock_stream(v_candidate);   -- busy stream: next call
        SELECT i.instance_id, i.last_heartbeat_at
          INTO v_instance
          FROM event_store.instances i
         WHERE i.instance_id = v_candidate
           AND i.status = 'active' AND i.last_heartbeat_at < clock_timestamp() - p_timeout
           FOR NO KEY UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND;                     -- heartbeat since, marked by another caller, or busy
        UPDATE event_store.instances i SET status = 'stale' WHERE i.instance_id = v_instance.instance_id;
        PERFORM set_config('event_store.lifecycle_key', v_key, true);   -- emit_event: instance_stale allowed
        SELECT * INTO v_event
          FROM event_store.emit_event(
                   v_instance.instance_id, 'instance_stale',
                   jsonb_build_object('last_heartbeat_at', to_jsonb(v_instance.last_heartbeat_at),
                                      'timeout_seconds', extract(epoch FROM p_timeout)));
        PERFORM set_config('event_store.lifecycle_key', v_key_before, true);   -- as it was
        instance_id := v_instance.instance_id;
        last_heartbeat_at := v_instance.last_heartbeat_at;
        event_id := v_event.event_id;
        sequence_num := v_event.sequence_num;
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store.mark_stale_instances(interval) IS
    'Mark active instances with no heartbeat within p_timeout (default 120 seconds) as stale, emit '
    'one instance_stale event each, and return (instance_id, last_heartbeat_at, event_id, sequence_num). '
    'Safe to call often and concurrently. Errors: ES006 invalid timeout.';

REVOKE ALL ON FUNCTION event_store.mark_stale_instances(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.mark_stale_instances(interval) TO event_store_writer;

COMMIT;
