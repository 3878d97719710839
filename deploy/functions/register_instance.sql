-- Deploy supervisor_event_store:functions/register_instance to pg
-- requires: functions/emit_event
-- requires: functions/_lock_stream
-- requires: functions/_check_instance_id
-- requires: functions/_json_within_limits
-- requires: functions/_check_metadata

BEGIN;

/*
 * Creates an instance, or re-activates (and updates) an existing one, then emits
 * instance_registered. registered_at keeps the first registration; metadata is replaced only
 * when p_metadata is given. Limits (ES006, naming the argument): project at most 200 characters,
 * metadata at most 1 MiB, 32 levels deep and numbers of at most 64 characters. The event is
 * written with the lifecycle key set (tables/lifecycle_key): emit_event refuses
 * instance_registered from anyone else. Patterns use no backslash, which a session with
 * standard_conforming_strings off would read as an escape when this body is compiled.
 */
CREATE OR REPLACE FUNCTION event_store.register_instance(
    p_instance_id   text,
    p_instance_type text,
    p_project       text,
    p_metadata      jsonb DEFAULT NULL
)
    RETURNS SETOF event_store.instances
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_data jsonb;
    v_key_before text := coalesce(current_setting('event_store.lifecycle_key', true), '');
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    IF p_instance_type IS NULL OR p_instance_type NOT IN ('PS', 'MS') THEN
        RAISE EXCEPTION 'invalid instance_type %: must be PS or MS', coalesce(quote_literal(p_instance_type), 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Use ''PS'' for a project supervisor or ''MS'' for a meta supervisor.';
    END IF;
    IF p_project IS NULL OR p_project !~ '[^[:space:]]' THEN      -- no backslash: see the header
        RAISE EXCEPTION 'project must not be empty'
            USING ERRCODE = 'ES006', HINT = 'Pass the name of the project the instance supervises.';
    END IF;
    IF length(p_project) > 200 THEN
        RAISE EXCEPTION 'project is % characters long, over the limit of 200', length(p_project)
            USING ERRCODE = 'ES006', HINT = 'Pass the project''s name, not its description.';
    END IF;
    IF jsonb_typeof(p_metadata) <> 'object' OR pg_column_size(p_metadata) > 1048576
       OR NOT event_store._json_within_limits(p_metadata) THEN
        PERFORM event_store._check_metadata(p_metadata);
    END IF;

    PERFORM event_store._lock_stream(p_instance_id);     -- before the row, like every emit
    INSERT INTO event_store.instances AS i
           (instance_id, instance_type, project, status, registered_at, last_heartbeat_at, metadata)
    VALUES (p_instance_id, p_instance_type, p_project, 'active', clock_timestamp(), clock_timestamp(),
            coalesce(p_metadata, '{}'))
    ON CONFLICT (instance_id) DO UPDATE
       SET instance_type     = excluded.instance_type,
           project           = excluded.project,
           status            = 'active',
           last_heartbeat_at = excluded.last_heartbeat_at,
           metadata          = coalesce(p_metadata, i.metadata);

    v_data := jsonb_build_object('instance_type', p_instance_type, 'project', p_project);
    IF p_metadata IS NOT NULL THEN
        v_data := v_data || jsonb_build_object('metadata', p_metadata);
    END IF;
    -- The lifecycle key lets emit_event write instance_registered (_check_lifecycle_emit).
    PERFORM set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);
    PERFORM event_store.emit_event(p_instance_id, 'instance_registered', v_data);
    PERFORM set_config('event_store.lifecycle_key', v_key_before, true);   -- as it was

    RETURN QUERY SELECT * FROM event_store.instances i WHERE i.instance_id = p_instance_id;
END
$$;

COMMENT ON FUNCTION event_store.register_instance(text, text, text, jsonb) IS
    'Create or re-activate an instance and emit instance_registered; returns the instance row. '
    'p_instance_type: PS or MS. p_project: non-empty project name. p_metadata: optional JSON object '
    '(kept as is when NULL on re-registration; at most 1 MiB, 32 levels deep, numbers of at most 64 characters). '
    'Errors: ES006 invalid argument (names it; project over 200 characters, metadata over a limit).';

REVOKE ALL ON FUNCTION event_store.register_instance(text, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.register_instance(text, text, text, jsonb) TO event_store_writer;

COMMIT;
