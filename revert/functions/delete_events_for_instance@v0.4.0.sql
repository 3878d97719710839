-- Deploy supervisor_event_store:functions/delete_events_for_instance to pg
-- requires: triggers/events_immutable
-- requires: roles/event_store_admin
-- requires: functions/_lock_stream

BEGIN;

/*
 * The one path through immutability, for test clean-up: deletes every event of one instance and
 * resets its stream head to 0; the instance stays registered. It tells the immutability trigger
 * which instance may lose rows through a transaction-local setting, cleared again before it
 * returns. Only event_store_admin may execute it.
 */
CREATE OR REPLACE FUNCTION event_store.delete_events_for_instance(
    p_instance_id text
)
    RETURNS bigint
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_deleted bigint;
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    PERFORM event_store._lock_stream(p_instance_id);     -- before the row, like every emit
    PERFORM 1 FROM event_store.instances i WHERE i.instance_id = p_instance_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;

    PERFORM set_config('event_store.delete_instance', p_instance_id, true);
    DELETE FROM event_store.events e WHERE e.instance_id = p_instance_id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    PERFORM set_config('event_store.delete_instance', '', true);

    UPDATE event_store.instances i SET last_sequence_num = 0 WHERE i.instance_id = p_instance_id;
    RETURN v_deleted;
END
$$;

COMMENT ON FUNCTION event_store.delete_events_for_instance(text) IS
    'Admin only, for test clean-up: delete all events of p_instance_id, reset its sequence to 0 and '
    'return how many were deleted. The only way past the ES005 immutability triggers. '
    'Errors: ES002 unknown instance, ES006 invalid instance id.';

REVOKE ALL ON FUNCTION event_store.delete_events_for_instance(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.delete_events_for_instance(text) TO event_store_admin;

COMMIT;
