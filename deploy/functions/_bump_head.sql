-- Deploy supervisor_event_store:functions/_bump_head to pg
-- requires: columns/instances_last_feed_key
-- requires: functions/_instance_not_found
-- requires: functions/_lock_stream
-- requires: functions/_sequence_conflict

-- Moved here from functions/emit_events (issue 14: one function, one change). Its first definition stays in
-- functions/emit_events's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * Takes the stream lock of an instance (_lock_stream), then its row by bumping its head by p_count
 * (and its feed key to greatest(itself, own transaction id)), and returns the new head;
 * ES002 for an unknown instance, ES004 when p_expected_sequence (if given) is not the old head.
 */
CREATE OR REPLACE FUNCTION event_store._bump_head(
    p_instance_id       text,
    p_count             int,
    p_expected_sequence bigint
)
    RETURNS bigint
    LANGUAGE plpgsql
    VOLATILE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_last bigint;
BEGIN
    PERFORM event_store._lock_stream(p_instance_id);     -- the stream lock before the row
    UPDATE event_store.instances i
       SET last_sequence_num = i.last_sequence_num + p_count,
           last_feed_key = greatest(i.last_feed_key, pg_current_xact_id())   -- feed order, see emit_event
     WHERE i.instance_id = p_instance_id
    RETURNING i.last_sequence_num INTO v_last;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;
    IF p_expected_sequence IS NOT NULL AND v_last - p_count <> p_expected_sequence THEN
        PERFORM event_store._sequence_conflict(p_instance_id, p_expected_sequence, v_last - p_count);
    END IF;
    RETURN v_last;
END
$$;

COMMENT ON FUNCTION event_store._bump_head(text, int, bigint) IS
    'Internal: bump an instance''s stream head by p_count (taking its lock) and return it; ES002, ES004.';

REVOKE ALL ON FUNCTION event_store._bump_head(text, int, bigint) FROM PUBLIC;

COMMIT;
