-- Deploy supervisor_event_store:functions/get_event_count to pg
-- requires: functions/emit_event
-- requires: roles/event_store_reader

BEGIN;

/*
 * How many events an instance has. Sequence numbers are gap-free from 1 and
 * delete_events_for_instance resets the head to 0, so the head is the count: O(1).
 */
CREATE OR REPLACE FUNCTION event_store.get_event_count(
    p_instance_id text
)
    RETURNS bigint
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_count bigint;
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    SELECT i.last_sequence_num INTO v_count FROM event_store.instances i WHERE i.instance_id = p_instance_id;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;
    RETURN v_count;
END
$$;

COMMENT ON FUNCTION event_store.get_event_count(text) IS
    'Number of events of an instance (its stream head). Errors: ES002 unknown instance, ES006 invalid id.';

REVOKE ALL ON FUNCTION event_store.get_event_count(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.get_event_count(text) TO event_store_reader;

COMMIT;
