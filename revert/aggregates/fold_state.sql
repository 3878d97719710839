-- Revert supervisor_event_store:aggregates/fold_state from pg: the @v0.3.0 final function (invoker's rights).

BEGIN;

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

COMMIT;
