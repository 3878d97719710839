-- Revert supervisor_event_store:functions/_refuse_event_change from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from triggers/events_immutable at @v0.3.0).

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

COMMIT;
