-- Deploy supervisor_event_store:functions/get_event_by_id to pg
-- requires: tables/events
-- requires: roles/event_store_reader

BEGIN;

/* One event by its id, or no row. */
CREATE OR REPLACE FUNCTION event_store.get_event_by_id(
    p_event_id uuid
)
    RETURNS SETOF event_store.events
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF p_event_id IS NULL THEN
        RAISE EXCEPTION 'event_id must not be null'
            USING ERRCODE = 'ES006', HINT = 'Pass the event_id that emit_event returned.';
    END IF;
    RETURN QUERY SELECT * FROM event_store.events e WHERE e.event_id = p_event_id;
END
$$;

COMMENT ON FUNCTION event_store.get_event_by_id(uuid) IS
    'The event with this event_id as an event row, or no row when there is none. Errors: ES006 null id.';

REVOKE ALL ON FUNCTION event_store.get_event_by_id(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.get_event_by_id(uuid) TO event_store_reader;

COMMIT;
