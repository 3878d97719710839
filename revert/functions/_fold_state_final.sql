-- Revert supervisor_event_store:functions/_fold_state_final from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from aggregates/fold_state at @v0.3.0).

BEGIN;

/* Final function of fold_state: folds the collected events from the initial state. */
CREATE OR REPLACE FUNCTION event_store._fold_state_final(
    p_events event_store.events[]
)
    RETURNS jsonb
    LANGUAGE sql
    STABLE
    PARALLEL SAFE
    SET search_path = event_store, pg_temp
AS $$
    SELECT event_store._fold_final(event_store._fold_apply(event_store._fold_initial(), p_events))
$$;

COMMENT ON FUNCTION event_store._fold_state_final(event_store.events[]) IS
    'Internal: final function of fold_state; the jsonb state after the collected events.';

REVOKE ALL ON FUNCTION event_store._fold_state_final(event_store.events[]) FROM PUBLIC;

COMMIT;
