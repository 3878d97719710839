-- Deploy supervisor_event_store:aggregates/fold_state to pg
-- requires: functions/_fold_apply
-- requires: functions/_fold_final
-- requires: roles/event_store_reader

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

/*
 * fold_state(events ORDER BY sequence_num): the state of an instance after its events, e.g.
 *   SELECT event_store.fold_state(e ORDER BY e.sequence_num)
 *     FROM event_store.events e WHERE e.instance_id = 'odin-PS-8f4a2b';
 * The transition collects the rows with the built-in array_append (O(1) per row, in the
 * aggregate's memory); the PL/pgSQL state transitions (_fold_apply, one branch per event type)
 * run over them once in the final function. A per-row PL/pgSQL transition would copy the whole
 * composite state on every row. Memory grows with the number of rows folded (about the size of
 * the rows); replay_events folds large streams in bounded chunks instead.
 */
CREATE AGGREGATE event_store.fold_state(event_store.events) (
    SFUNC     = array_append,
    STYPE     = event_store.events[],
    FINALFUNC = event_store._fold_state_final,
    INITCOND  = '{}'
);

COMMENT ON AGGREGATE event_store.fold_state(event_store.events) IS
    'Fold an instance''s events, in sequence order, into the jsonb state a supervisor resumes from '
    '(status, current epic, epics, tests, validations, git, deployments, context window, checkpoints, '
    'planning); use with ORDER BY sequence_num. Unknown event types only count. Errors: none.';

REVOKE ALL ON FUNCTION event_store.fold_state(event_store.events) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.fold_state(event_store.events) TO event_store_reader;

COMMIT;
