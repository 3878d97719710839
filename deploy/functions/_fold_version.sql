-- Deploy supervisor_event_store:functions/_fold_version to pg
-- requires: types/_fold_acc

-- Moved here from functions/_fold_apply (issue 14: one function, one change). Its first definition stays in
-- functions/_fold_apply's tagged script, as deployed then; this change's revert restores the body it had.

BEGIN;

/*
 * Version of the fold's logic. Bump it in the same rework as any change to _fold_apply or
 * _fold_acc: snapshots taken by another version are then ignored by replay_events.
 */
CREATE OR REPLACE FUNCTION event_store._fold_version()
    RETURNS int
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
    SET search_path = event_store, pg_temp
AS $$
    SELECT 1
$$;

COMMENT ON FUNCTION event_store._fold_version() IS
    'Internal: version of the fold logic; snapshots record it and replay ignores other versions.';

REVOKE ALL ON FUNCTION event_store._fold_version() FROM PUBLIC;

COMMIT;
