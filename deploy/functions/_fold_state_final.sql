-- Deploy supervisor_event_store:functions/_fold_state_final to pg
-- requires: tables/events
-- requires: functions/_fold_apply
-- requires: functions/_fold_final
-- requires: functions/_fold_initial

-- Moved here from aggregates/fold_state (issue 14: one function, one change). Its first definition stays in
-- aggregates/fold_state's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * fold_state is granted to event_store_reader, but its final function ran with the caller's
 * privileges and called the internal _fold_initial, _fold_apply and _fold_final, which no role may
 * execute: 42501 for every role but the owner (issue 10). The final function is now SECURITY
 * DEFINER (it reads no table: it only folds the rows it is given), so the internals stay
 * internal and readers can fold rows they have, e.g. rows built from query_events' output.
 * Only the final function changes; the aggregate stays.
 */
CREATE OR REPLACE FUNCTION event_store._fold_state_final(
    p_events event_store.events[]
)
    RETURNS jsonb
    LANGUAGE sql
    STABLE
    PARALLEL SAFE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
    SELECT event_store._fold_final(event_store._fold_apply(event_store._fold_initial(), p_events))
$$;

COMMENT ON FUNCTION event_store._fold_state_final(event_store.events[]) IS
    'Internal: final function of fold_state; the jsonb state after the collected events.';

REVOKE ALL ON FUNCTION event_store._fold_state_final(event_store.events[]) FROM PUBLIC;

COMMIT;
