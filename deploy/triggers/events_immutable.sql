-- Deploy supervisor_event_store:triggers/events_immutable to pg
-- requires: tables/events

BEGIN;

/*
 * Events never change. UPDATE, DELETE and TRUNCATE raise ES005, for every role including the
 * table owner. delete_events_for_instance() is the one exception: it sets the transaction-local
 * setting event_store.delete_instance to the instance it deletes, and only DELETEs of that
 * instance's rows pass. The setting is not a security boundary on its own: no role but the
 * owner has any privilege on the table, and only event_store_admin may execute the function.
 */
CREATE OR REPLACE FUNCTION event_store._refuse_event_change()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.instance_id = current_setting('event_store.delete_instance', true) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'events are immutable: % on event_store.events is not allowed', TG_OP
        USING ERRCODE = 'ES005',
              DETAIL = 'The event log is append-only; rows are never updated or removed.',
              HINT = 'Record a correction as a new event. To clear a test instance, an '
                     'event_store_admin calls event_store.delete_events_for_instance(instance_id).';
END
$$;

COMMENT ON FUNCTION event_store._refuse_event_change() IS
    'Trigger function: raises ES005 on UPDATE, DELETE or TRUNCATE of events, except the DELETE '
    'done by delete_events_for_instance().';

REVOKE ALL ON FUNCTION event_store._refuse_event_change() FROM PUBLIC;

CREATE TRIGGER events_immutable_row
    BEFORE UPDATE OR DELETE ON event_store.events
    FOR EACH ROW EXECUTE FUNCTION event_store._refuse_event_change();

CREATE TRIGGER events_immutable_truncate
    BEFORE TRUNCATE ON event_store.events
    FOR EACH STATEMENT EXECUTE FUNCTION event_store._refuse_event_change();

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

CREATE TRIGGER events_immutable_whole_stream
    AFTER DELETE ON event_store.events
    FOR EACH STATEMENT EXECUTE FUNCTION event_store._refuse_partial_delete();

COMMENT ON TRIGGER events_immutable_whole_stream ON event_store.events IS
    'Raises ES005 unless a permitted DELETE removed every event of its instance.';

COMMENT ON TRIGGER events_immutable_row ON event_store.events IS
    'Raises ES005 on UPDATE or DELETE (see _refuse_event_change).';
COMMENT ON TRIGGER events_immutable_truncate ON event_store.events IS
    'Raises ES005 on TRUNCATE, which row triggers do not see.';

COMMIT;
