-- Revert supervisor_event_store:triggers/events_immutable from pg: the @v0.3.0 trigger function (the triggers stay).

BEGIN;

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

COMMIT;
