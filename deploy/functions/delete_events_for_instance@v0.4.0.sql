-- Deploy supervisor_event_store:functions/delete_events_for_instance to pg
-- requires: triggers/events_immutable
-- requires: roles/event_store_admin
-- requires: functions/_lock_stream
-- requires: functions/_check_instance_id
-- requires: functions/_instance_not_found

BEGIN;

/*
 * The one path through immutability, for test clean-up: deletes every event of one instance and
 * resets its stream head to 0; the instance stays registered. It tells the immutability trigger
 * which instance may lose rows through a transaction-local setting, cleared again before it
 * returns. Only event_store_admin may execute it. The stream head is reset to 0 before the
 * DELETE (under the stream lock and the row lock, so no emit runs in between): the trigger
 * (triggers/events_immutable) lets an instance's events go only inside this function, with the
 * head already 0 and the setting naming the instance, so the escape hatch always resets the stream.
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

    -- The head first: the immutability trigger lets rows go only when it is already 0.
    UPDATE event_store.instances i SET last_sequence_num = 0 WHERE i.instance_id = p_instance_id;
    PERFORM set_config('event_store.delete_instance', p_instance_id, true);
    DELETE FROM event_store.events e WHERE e.instance_id = p_instance_id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    PERFORM set_config('event_store.delete_instance', '', true);
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
