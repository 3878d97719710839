-- Deploy supervisor_event_store:functions/heartbeat to pg
-- requires: functions/emit_event
-- requires: functions/_lock_stream
-- requires: functions/_check_instance_id
-- requires: functions/_instance_not_found

BEGIN;

/*
 * Records that an instance is alive: last_heartbeat_at, status active, and an instance_heartbeat
 * event, written with the lifecycle key set (tables/lifecycle_key): emit_event refuses
 * instance_heartbeat from anyone else.
 */
CREATE OR REPLACE FUNCTION event_store.heartbeat(
    p_instance_id     text,
    p_context_percent numeric DEFAULT NULL
)
    RETURNS TABLE (event_id uuid, sequence_num bigint, "timestamp" timestamptz)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_key_before text := coalesce(current_setting('event_store.lifecycle_key', true), '');
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    IF p_context_percent NOT BETWEEN 0 AND 100 THEN
        RAISE EXCEPTION 'context_percent must be between 0 and 100, got %', p_context_percent
            USING ERRCODE = 'ES006', HINT = 'Pass the share of the context window in use, e.g. 42.5, or NULL.';
    END IF;

    PERFORM event_store._lock_stream(p_instance_id);     -- before the row, like every emit
    UPDATE event_store.instances i
       SET last_heartbeat_at = clock_timestamp(),
           status = 'active'
     WHERE i.instance_id = p_instance_id;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;

    -- The lifecycle key lets emit_event write instance_heartbeat (_check_lifecycle_emit).
    PERFORM set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);
    RETURN QUERY
    SELECT r.event_id, r.sequence_num, r."timestamp"
      FROM event_store.emit_event(
               p_instance_id, 'instance_heartbeat',
               CASE WHEN p_context_percent IS NULL THEN '{}'::jsonb
                    ELSE jsonb_build_object('context_percent', p_context_percent) END) r;
    PERFORM set_config('event_store.lifecycle_key', v_key_before, true);   -- as it was
END
$$;

COMMENT ON FUNCTION event_store.heartbeat(text, numeric) IS
    'Record a heartbeat: sets last_heartbeat_at, re-activates a stale instance and emits '
    'instance_heartbeat (with context_percent when given, 0-100). Returns the emitted event''s '
    '(event_id, sequence_num, timestamp). Errors: ES002 unknown instance, ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.heartbeat(text, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.heartbeat(text, numeric) TO event_store_writer;

COMMIT;
