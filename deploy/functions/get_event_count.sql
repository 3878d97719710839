-- Deploy supervisor_event_store:functions/get_event_count to pg
-- requires: functions/_instance_head
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
BEGIN
    RETURN event_store._instance_head(p_instance_id);
END
$$;

COMMENT ON FUNCTION event_store.get_event_count(text) IS
    'Number of events of an instance (its stream head). Errors: ES002 unknown instance, ES006 invalid id.';

REVOKE ALL ON FUNCTION event_store.get_event_count(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.get_event_count(text) TO event_store_reader;

COMMIT;
