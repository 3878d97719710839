-- Deploy supervisor_event_store:functions/_event_id_reused to pg
-- requires: tables/events

BEGIN;

/*
 * Raises ES007: p_event_id already names a stored event (p_stored, when the caller read it) with
 * other content, or another event of the same batch (p_detail says which). p_where prefixes the
 * message ('event #3: ' in a batch). A NULL p_event_id means "some id of this batch", for a
 * conflict found only by the insert's ON CONFLICT. The one raiser of ES007 for event ids.
 */
CREATE OR REPLACE FUNCTION event_store._event_id_reused(
    p_event_id uuid,
    p_stored   event_store.events DEFAULT NULL,
    p_where    text DEFAULT '',
    p_detail   text DEFAULT NULL
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_message text := p_where || CASE WHEN p_event_id IS NULL
                                      THEN 'an event_id of this batch was stored concurrently for a different event'
                                      ELSE format('event_id %s was already used for a different event', p_event_id) END;
    v_detail  text := coalesce(p_detail,
                               format('Stored: instance "%s", type "%s", sequence_num %s.',
                                      p_stored.instance_id, p_stored.event_type, p_stored.sequence_num));
BEGIN
    IF p_stored.event_id IS NULL AND p_detail IS NULL THEN
        v_detail := 'The other event was stored by a concurrent call.';
    END IF;
    RAISE EXCEPTION '%', v_message
        USING ERRCODE = 'ES007', DETAIL = v_detail,
              HINT = 'Use a new event_id for a new event; reuse an id only to retry the identical event.';
END
$$;

COMMENT ON FUNCTION event_store._event_id_reused(uuid, event_store.events, text, text) IS
    'Internal: raises ES007 (event_id already used for a different event), naming the stored event or p_detail.';

REVOKE ALL ON FUNCTION event_store._event_id_reused(uuid, event_store.events, text, text) FROM PUBLIC;

COMMIT;
