-- Revert supervisor_event_store:functions/_sequence_conflict from pg: nothing to undo. The move into this
-- change kept the body, comment and privileges exactly as functions/emit_event at @v0.3.0 deployed them,
-- and the function stays (its callers deployed before this change use it). make test-sqitch
-- checks that reverting to @v0.3.0 gives back the schema that tag deployed.

BEGIN;
COMMIT;
