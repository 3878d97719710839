-- Deploy supervisor_event_store:functions/_refuse_partial_delete to pg
-- requires: tables/events

-- Moved here from triggers/events_immutable (issue 14: one function, one change). Its first definition stays in
-- triggers/events_immutable's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * The setting alone would let the table owner delete single events of the named instance and
 * leave a gap. After every DELETE statement this checks that no event of the named instance is
 * left: the escape hatch only ever clears a whole stream, as delete_events_for_instance does.
 */
CREATE OR REPLACE FUNCTION event_store._refuse_partial_delete()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_instance text := current_setting('event_store.delete_instance', true);
BEGIN
    IF EXISTS (SELECT FROM event_store.events e WHERE e.instance_id = v_instance) THEN
        RAISE EXCEPTION 'events are immutable: a DELETE may only remove all events of instance "%"', v_instance
            USING ERRCODE = 'ES005',
                  HINT = 'To clear a test instance, an event_store_admin calls '
                         'event_store.delete_events_for_instance(instance_id).';
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION event_store._refuse_partial_delete() IS
    'Trigger function: raises ES005 when a DELETE left some events of the instance it was allowed to clear.';

REVOKE ALL ON FUNCTION event_store._refuse_partial_delete() FROM PUBLIC;

COMMIT;
