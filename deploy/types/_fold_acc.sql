-- Deploy supervisor_event_store:types/_fold_acc to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The running state of the fold: scalars, small jsonb values, and append-only logs. Collections
 * that grow with history (epics, pull requests, planned epics) are kept as parallel logs that
 * _fold_apply appends to in O(1); _fold_final turns them into maps and lists once, set-based.
 * Snapshots store this value as jsonb (to_jsonb / jsonb_populate_record).
 */
CREATE TYPE event_store._fold_acc AS (
    instance_id              text,
    status                   text,
    instance_type            text,
    project                  text,
    last_sequence_num        bigint,
    last_event_type          text,
    latest_timestamp         timestamptz,
    total_events             bigint,
    last_epic                text,
    current_epic             jsonb,
    epic_ids                 text[],
    epic_events              text[],
    epic_at                  timestamptz[],
    epic_reasons             text[],
    tests_started            bigint,
    tests_passed             bigint,
    tests_failed             bigint,
    tests_last_failure       jsonb,
    validations_passed       bigint,
    validations_failed       bigint,
    validations_last_failure jsonb,
    commits                  bigint,
    last_commit              jsonb,
    pr_numbers               numeric[],
    pr_merged                boolean[],
    deployments_started      bigint,
    deployments_completed    bigint,
    deployments_failed       bigint,
    last_deployment          jsonb,
    deployments_by_env       jsonb,
    context_usage_percent    numeric,
    context_updated_at       timestamptz,
    checkpoints_created      bigint,
    checkpoints_loaded       bigint,
    last_checkpoint_id       text,
    planned_epics            text[],
    feature_requests         bigint,
    tasks_spawned            bigint
);

COMMENT ON TYPE event_store._fold_acc IS
    'Internal: the running state of the fold (scalars plus append-only logs of epic, pull-request '
    'and planning events); _fold_final turns it into the jsonb state. Snapshots store it as jsonb.';

REVOKE ALL ON TYPE event_store._fold_acc FROM PUBLIC;

COMMIT;
