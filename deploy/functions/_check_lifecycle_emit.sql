-- Deploy supervisor_event_store:functions/_check_lifecycle_emit to pg
-- requires: tables/lifecycle_key

BEGIN;

/*
 * The lifecycle events (instance_registered, instance_heartbeat, instance_stale) describe the
 * registry, so only the functions that change it write them: register_instance, heartbeat and
 * mark_stale_instances set the transaction-local setting event_store.lifecycle_key to the key in
 * the owner-only table lifecycle_key around their emit_event call. For any other caller (a
 * writer calling emit_event or emit_events directly) this raises ES006 naming the function to
 * call. emit_event calls it only for those three types.
 */
CREATE OR REPLACE FUNCTION event_store._check_lifecycle_emit(
    p_event_type text,
    p_where      text DEFAULT ''
)
    RETURNS boolean
    LANGUAGE plpgsql
    STABLE
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF p_event_type NOT IN ('instance_registered', 'instance_heartbeat', 'instance_stale')
       OR current_setting('event_store.lifecycle_key', true) = (SELECT k.key FROM event_store.lifecycle_key k) THEN
        RETURN true;
    END IF;
    RAISE EXCEPTION '%event_type "%" is written only by %', p_where, p_event_type,
                    CASE p_event_type WHEN 'instance_registered' THEN 'register_instance'
                                      WHEN 'instance_heartbeat' THEN 'heartbeat'
                                      ELSE 'mark_stale_instances' END
        USING ERRCODE = 'ES006',
              HINT = CASE p_event_type
                         WHEN 'instance_registered' THEN 'Call event_store.register_instance(instance_id, instance_type, project, metadata).'
                         WHEN 'instance_heartbeat' THEN 'Call event_store.heartbeat(instance_id, context_percent).'
                         ELSE 'Call event_store.mark_stale_instances(timeout).' END;
END
$$;

COMMENT ON FUNCTION event_store._check_lifecycle_emit(text, text) IS
    'Internal: raises ES006 (hint: the function to call) when instance_registered, instance_heartbeat or '
    'instance_stale is emitted other than by register_instance, heartbeat or mark_stale_instances.';

REVOKE ALL ON FUNCTION event_store._check_lifecycle_emit(text, text) FROM PUBLIC;

COMMIT;
