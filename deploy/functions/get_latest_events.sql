-- Deploy supervisor_event_store:functions/get_latest_events to pg
-- requires: functions/_instance_head
-- requires: roles/event_store_reader

BEGIN;

/* The newest p_limit events of one instance, newest first (a backward scan of its sequence index). */
CREATE OR REPLACE FUNCTION event_store.get_latest_events(
    p_instance_id text,
    p_limit       int DEFAULT 10
)
    RETURNS SETOF event_store.events
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    PERFORM event_store._instance_head(p_instance_id);
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'invalid limit %: must be between 1 and 1000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Read older events with event_store.query_events(...).';
    END IF;
    RETURN QUERY
    SELECT *
      FROM event_store.events e
     WHERE e.instance_id = p_instance_id
     ORDER BY e.sequence_num DESC
     LIMIT p_limit;
END
$$;

COMMENT ON FUNCTION event_store.get_latest_events(text, int) IS
    'The newest p_limit (1-1000, default 10) events of an instance, newest first, as event rows. '
    'Errors: ES002 unknown instance, ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.get_latest_events(text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.get_latest_events(text, int) TO event_store_reader;

COMMIT;
