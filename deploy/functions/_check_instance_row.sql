-- Deploy supervisor_event_store:functions/_check_instance_row to pg
-- requires: tables/instances
-- requires: functions/_is_instance_id

BEGIN;

/*
 * The instances row rules (created with tables/instances), now in a change of their own. The only
 * change: "project not blank" is the pattern '[^[:space:]]' instead of a backslash class, since a
 * backslash in a literal means something else in a session with standard_conforming_strings off
 * (there the old pattern meant "contains an S", and register_instance('x', 'PS', 'odin') failed).
 */
CREATE OR REPLACE FUNCTION event_store._check_instance_row()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF NOT event_store._is_instance_id(NEW.instance_id) THEN
        RAISE EXCEPTION 'invalid instance_id "%": use 1-32 characters of A-Z, a-z, 0-9, "_", "." and "-"', NEW.instance_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_instance_id_format';
    ELSIF NEW.instance_type NOT IN ('PS', 'MS') THEN
        RAISE EXCEPTION 'invalid instance_type "%": must be PS or MS', NEW.instance_type
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_instance_type_known';
    ELSIF NEW.project !~ '[^[:space:]]' THEN
        RAISE EXCEPTION 'project must not be empty'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_project_not_blank';
    ELSIF NEW.status NOT IN ('active', 'stale') THEN
        RAISE EXCEPTION 'invalid status "%": must be active or stale', NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_status_known';
    ELSIF jsonb_typeof(NEW.metadata) <> 'object' THEN
        RAISE EXCEPTION 'metadata must be a JSON object, got %', jsonb_typeof(NEW.metadata)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_metadata_object';
    ELSIF NEW.last_sequence_num < 0 THEN
        RAISE EXCEPTION 'last_sequence_num must not be negative'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_last_sequence_num_not_negative';
    END IF;
    RETURN NEW;
END
$$;

COMMIT;
