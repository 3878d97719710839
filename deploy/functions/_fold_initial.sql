-- Deploy supervisor_event_store:functions/_fold_initial to pg
-- requires: types/_fold_acc

-- Moved here from functions/_fold_apply (issue 14: one function, one change). Its first definition stays in
-- functions/_fold_apply's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/* The state before any event: status active, zero counters, empty logs. */
CREATE OR REPLACE FUNCTION event_store._fold_initial()
    RETURNS event_store._fold_acc
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
    SET search_path = event_store, pg_temp
AS $$
    SELECT '(,active,,,0,,,0,,,{},0,0,0,,0,0,,0,,[],[],0,0,0,,{},,,0,0,,[],0,0)'::event_store._fold_acc
$$;

COMMENT ON FUNCTION event_store._fold_initial() IS
    'Internal: the fold state before any event (status active, zero counters, empty logs).';

REVOKE ALL ON FUNCTION event_store._fold_initial() FROM PUBLIC;

COMMIT;
