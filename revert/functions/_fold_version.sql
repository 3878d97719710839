-- Revert supervisor_event_store:functions/_fold_version from pg: the function stays (its callers deployed
-- before this change use it) with the body it had before it moved here (from functions/_fold_apply).

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
