-- Deploy supervisor_event_store:functions/_refuse_event_change to pg
-- requires: tables/events
-- requires: functions/delete_events_for_instance

-- Moved here from triggers/events_immutable (issue 14: one function, one change). Its first definition stays in
-- triggers/events_immutable's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * The escape hatch of the immutability triggers made to match its promise (issue 10: the owner
 * could SET event_store.delete_instance and DELETE an instance's rows without resetting its head,
 * so the next emit got sequence 4 after 0 rows). A DELETE of an event passes only when all of:
 *   - the transaction-local setting event_store.delete_instance names its instance;
 *   - the DELETE runs inside event_store.delete_events_for_instance (its frame is on the PL/pgSQL
 *     call stack, GET DIAGNOSTICS PG_CONTEXT);
 *   - the instance's stream head is already 0 in this transaction (that function resets it first,
 *     holding the stream lock and the row).
 * The after-statement trigger still requires that no event of the instance is left. What the
 * owner can still do, as the owner of any table can: disable or drop the triggers, replace these
 * functions, or create a function of the same name elsewhere to mimic the call stack; the setting
 * and the check are guard rails against mistakes, the privileges (no role but the owner has any
 * on events) are the boundary. Only the trigger function changes here; the triggers stay.
 */
CREATE OR REPLACE FUNCTION event_store._refuse_event_change()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_stack text;
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.instance_id = current_setting('event_store.delete_instance', true) THEN
        GET DIAGNOSTICS v_stack = PG_CONTEXT;
        IF (strpos(v_stack, 'PL/pgSQL function delete_events_for_instance(text) line ') > 0
            OR strpos(v_stack, 'PL/pgSQL function event_store.delete_events_for_instance(text) line ') > 0)
           AND (SELECT i.last_sequence_num FROM event_store.instances i WHERE i.instance_id = OLD.instance_id) = 0 THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'events are immutable: % on event_store.events is not allowed', TG_OP
        USING ERRCODE = 'ES005',
              DETAIL = 'The event log is append-only; rows are never updated or removed.',
              HINT = 'Record a correction as a new event. To clear a test instance, an '
                     'event_store_admin calls event_store.delete_events_for_instance(instance_id).';
END
$$;

COMMENT ON FUNCTION event_store._refuse_event_change() IS
    'Trigger function: raises ES005 on UPDATE, DELETE or TRUNCATE of events, except the DELETE done inside '
    'delete_events_for_instance() (setting event_store.delete_instance, that function on the call stack, head reset to 0).';

COMMIT;
