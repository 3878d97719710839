-- Deploy supervisor_event_store:functions/_instance_head to pg
-- requires: functions/emit_event
-- requires: functions/_check_instance_id
-- requires: functions/_instance_not_found

BEGIN;

/*
 * The stream head (last_sequence_num, i.e. the number of events) of an instance, after checking
 * its id: ES006 for a NULL or malformed id, ES002 for an unknown instance. The read functions'
 * common first step.
 */
CREATE OR REPLACE FUNCTION event_store._instance_head(
    p_instance_id text
)
    RETURNS bigint
    LANGUAGE plpgsql
    STABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_head bigint;
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    SELECT i.last_sequence_num INTO v_head FROM event_store.instances i WHERE i.instance_id = p_instance_id;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;
    RETURN v_head;
END
$$;

COMMENT ON FUNCTION event_store._instance_head(text) IS
    'Internal: an instance''s last_sequence_num; raises ES006 (NULL or malformed id) or ES002 (unknown).';

REVOKE ALL ON FUNCTION event_store._instance_head(text) FROM PUBLIC;

COMMIT;
