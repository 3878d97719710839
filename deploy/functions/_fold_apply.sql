-- Deploy supervisor_event_store:functions/_fold_apply to pg
-- requires: types/_fold_acc
-- requires: tables/events

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

/*
 * The fold's state-transition logic: applies p_events, in array order, to p_acc. One branch per
 * event type, the frequent ones first; a type it does not know (registered later) only moves
 * total_events and the last_* fields. Touches no table.
 *
 * Speed (replay must fold >= 200k events/s): an aggregate whose state is a composite copies the
 * whole state on every row, so a state that grows with history (epics, pull requests) makes a
 * per-row PL/pgSQL step O(history). Here the loop runs over a whole array of events in one call:
 * counters live in the record, changes to the growing collections are logged in local arrays
 * appended in place (O(1)) and merged set-based once at the end of the call, and jsonb is built
 * only for the small, rare values. Merging per call gives the same result however the events
 * are split into calls (replay_events folds 10,000 at a time, from a snapshot or not).
 * fold_state and replay_events both fold through this function, so they cannot disagree. No helper is called per event: a function
 * with a SET clause is never inlined and costs a GUC save/restore per call.
 */
CREATE OR REPLACE FUNCTION event_store._fold_apply(
    p_acc    event_store._fold_acc,
    p_events event_store.events[]
)
    RETURNS event_store._fold_acc
    LANGUAGE plpgsql
    IMMUTABLE
    PARALLEL SAFE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_e           event_store.events;
    v_type        text;
    v_data        jsonb;
    v_key         text;
    v_num         numeric;
    v_epic_ids    text[]        := '{}';    -- logs of this call, merged into p_acc at the end
    v_epic_events text[]        := '{}';
    v_epic_at     timestamptz[] := '{}';
    v_epic_reason text[]        := '{}';
    v_pr_numbers  numeric[]     := '{}';
    v_pr_merged   boolean[]     := '{}';
    v_planned     text[]        := '{}';
    v_merged_new  numeric[];
    v_pr          jsonb;
BEGIN
    FOREACH v_e IN ARRAY coalesce(p_events, '{}') LOOP
        v_type := v_e.event_type;
        v_data := v_e.event_data;
        p_acc.total_events := p_acc.total_events + 1;

        IF v_type = 'instance_heartbeat' THEN
            p_acc.status := 'active';
            v_num := (v_data ->> 'context_percent')::numeric;
            IF v_num IS NOT NULL THEN
                p_acc.context_usage_percent := v_num;
                p_acc.context_updated_at := v_e."timestamp";
            END IF;
        ELSIF v_type = 'test_started' THEN
            p_acc.tests_started := p_acc.tests_started + 1;
        ELSIF v_type = 'test_passed' THEN
            p_acc.tests_passed := p_acc.tests_passed + 1;
        ELSIF v_type = 'test_failed' THEN
            p_acc.tests_failed := p_acc.tests_failed + 1;
            p_acc.tests_last_failure := v_data;
        ELSIF v_type = 'commit_created' THEN
            p_acc.commits := p_acc.commits + 1;
            p_acc.last_commit := v_data;
        ELSIF v_type = 'context_window_updated' THEN
            p_acc.context_usage_percent := (v_data ->> 'usage_percent')::numeric;
            p_acc.context_updated_at := v_e."timestamp";
        ELSIF v_type = 'validation_passed' THEN
            p_acc.validations_passed := p_acc.validations_passed + 1;
        ELSIF v_type = 'validation_failed' THEN
            p_acc.validations_failed := p_acc.validations_failed + 1;
            p_acc.validations_last_failure := v_data;
        ELSIF v_type = 'task_spawned' THEN
            p_acc.tasks_spawned := p_acc.tasks_spawned + 1;
        ELSIF v_type = 'checkpoint_created' THEN
            p_acc.checkpoints_created := p_acc.checkpoints_created + 1;
            p_acc.last_checkpoint_id := v_data ->> 'checkpoint_id';
        ELSIF v_type = 'checkpoint_loaded' THEN
            p_acc.checkpoints_loaded := p_acc.checkpoints_loaded + 1;
            p_acc.last_checkpoint_id := v_data ->> 'checkpoint_id';
        ELSIF v_type IN ('epic_started', 'epic_completed', 'epic_failed') THEN
            v_key := v_data ->> 'epic_id';
            p_acc.last_epic := v_key;
            v_type := substr(v_type, 6);                        -- started | completed | failed
            v_epic_ids := array_append(v_epic_ids, v_key);
            v_epic_events := array_append(v_epic_events, v_type);
            v_epic_at := array_append(v_epic_at, v_e."timestamp");
            v_epic_reason := array_append(v_epic_reason, v_data ->> 'reason');
            IF v_type = 'started' THEN
                p_acc.current_epic := jsonb_build_object(
                    'epic_id', v_key, 'status', 'in_progress',
                    'started_at', to_char(v_e."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                    'feature_name', v_data -> 'feature_name', 'reason', NULL);
            ELSIF p_acc.current_epic ->> 'epic_id' = v_key THEN
                p_acc.current_epic := p_acc.current_epic || jsonb_build_object(
                    'status', v_type, 'reason', v_data -> 'reason');
            END IF;
        ELSIF v_type IN ('deployment_started', 'deployment_completed', 'deployment_failed') THEN
            v_key := substr(v_type, 12);                        -- started | completed | failed
            IF v_key = 'started' THEN
                p_acc.deployments_started := p_acc.deployments_started + 1;
            ELSIF v_key = 'completed' THEN
                p_acc.deployments_completed := p_acc.deployments_completed + 1;
            ELSE
                p_acc.deployments_failed := p_acc.deployments_failed + 1;
            END IF;
            p_acc.last_deployment := jsonb_build_object(
                'deployment_id', v_data -> 'deployment_id', 'environment', v_data -> 'environment',
                'status', v_key);
            p_acc.deployments_by_env := p_acc.deployments_by_env || jsonb_build_object(
                coalesce(v_data ->> 'environment', ''),
                jsonb_build_object('deployment_id', v_data -> 'deployment_id', 'status', v_key));
        ELSIF v_type IN ('pr_created', 'pr_merged') THEN
            v_num := (v_data ->> 'pr_number')::numeric;
            IF v_num IS NOT NULL THEN
                v_pr_numbers := array_append(v_pr_numbers, v_num);
                v_pr_merged := array_append(v_pr_merged, v_type = 'pr_merged');
            END IF;
        ELSIF v_type = 'epic_planned' THEN
            v_key := v_data ->> 'epic_id';
            IF v_key IS NOT NULL THEN
                v_planned := array_append(v_planned, v_key);
            END IF;
        ELSIF v_type = 'feature_requested' THEN
            p_acc.feature_requests := p_acc.feature_requests + 1;
        ELSIF v_type = 'instance_registered' THEN
            p_acc.status := 'active';
            p_acc.instance_type := v_data ->> 'instance_type';
            p_acc.project := v_data ->> 'project';
        ELSIF v_type = 'instance_stale' THEN
            p_acc.status := 'stale';
        END IF;
    END LOOP;

    IF v_e.event_id IS NOT NULL THEN                            -- the last event applied
        p_acc.instance_id := v_e.instance_id;
        p_acc.last_sequence_num := v_e.sequence_num;
        p_acc.last_event_type := v_e.event_type;
        p_acc.latest_timestamp := v_e."timestamp";
    END IF;
    -- Merge this call's logs, set-based, once. Per epic the latest event decides (started:
    -- in_progress with no end; completed/failed: that status, ended_at, the failure reason);
    -- started_at is the latest epic_started, here or already in the map.
    IF cardinality(v_epic_ids) > 0 THEN
        SELECT p_acc.epics || coalesce(jsonb_object_agg(l.epic_id, CASE WHEN l.kind = 'started'
                   THEN jsonb_build_object('status', 'in_progress', 'started_at', l.at_iso, 'ended_at', NULL, 'reason', NULL)
                   ELSE jsonb_build_object('status', l.kind,
                            'started_at', coalesce(to_jsonb(l.started_iso), p_acc.epics -> l.epic_id -> 'started_at', 'null'),
                            'ended_at', l.at_iso, 'reason', CASE WHEN l.kind = 'failed' THEN l.reason END) END), '{}')
          INTO p_acc.epics
          FROM (SELECT DISTINCT ON (e.epic_id) e.epic_id, e.kind, e.reason,
                       to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_iso,
                       to_char(max(e.at) FILTER (WHERE e.kind = 'started') OVER (PARTITION BY e.epic_id)
                               AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS started_iso
                  FROM unnest(v_epic_ids, v_epic_events, v_epic_at, v_epic_reason)
                       WITH ORDINALITY AS e (epic_id, kind, at, reason, n)
                 WHERE e.epic_id IS NOT NULL
                 ORDER BY e.epic_id, e.n DESC) l;
    END IF;
    -- Pull requests: merged_prs lists every number ever merged, in order of first merge;
    -- open_prs those created and never merged, in order of first creation. A few (a replay
    -- from a recent snapshot): one by one with jsonb containment, a scan of the list in C per
    -- PR; many (a long replay): set-based with hashed NOT IN. Both give the same lists.
    IF cardinality(v_pr_numbers) BETWEEN 1 AND 16 THEN
        FOR i IN 1 .. cardinality(v_pr_numbers) LOOP
            v_pr := to_jsonb(v_pr_numbers[i]);
            IF p_acc.merged_prs @> v_pr THEN
                CONTINUE;
            ELSIF v_pr_merged[i] THEN
                p_acc.merged_prs := p_acc.merged_prs || v_pr;
                IF p_acc.open_prs @> v_pr THEN
                    p_acc.open_prs := jsonb_path_query_array(p_acc.open_prs, '$[*] ? (@ != $pr)',
                                                             jsonb_build_object('pr', v_pr));
                END IF;
            ELSIF NOT p_acc.open_prs @> v_pr THEN
                p_acc.open_prs := p_acc.open_prs || v_pr;
            END IF;
        END LOOP;
    ELSIF cardinality(v_pr_numbers) > 16 THEN
        v_merged_new := ARRAY(SELECT l.pr FROM unnest(v_pr_numbers, v_pr_merged) WITH ORDINALITY AS l (pr, merged, n)
                               WHERE l.merged
                                 AND l.pr NOT IN (SELECT m::numeric FROM jsonb_array_elements(p_acc.merged_prs) m)
                               GROUP BY l.pr ORDER BY min(l.n));
        IF cardinality(v_merged_new) > 0 THEN
            p_acc.merged_prs := p_acc.merged_prs || to_jsonb(v_merged_new);
            p_acc.open_prs := coalesce((SELECT jsonb_agg(o.pr ORDER BY o.n)
                                          FROM jsonb_array_elements(p_acc.open_prs) WITH ORDINALITY AS o (pr, n)
                                         WHERE o.pr::numeric <> ALL (v_merged_new)), '[]');
        END IF;
        p_acc.open_prs := p_acc.open_prs
                          || to_jsonb(ARRAY(SELECT l.pr FROM unnest(v_pr_numbers, v_pr_merged) WITH ORDINALITY AS l (pr, merged, n)
                                             WHERE NOT l.merged
                                               AND l.pr NOT IN (SELECT m::numeric FROM jsonb_array_elements(p_acc.merged_prs) m)
                                               AND l.pr NOT IN (SELECT o::numeric FROM jsonb_array_elements(p_acc.open_prs) o)
                                             GROUP BY l.pr ORDER BY min(l.n)));
    END IF;
    -- Planned epics, in order of first planning; the same two ways.
    IF cardinality(v_planned) BETWEEN 1 AND 16 THEN
        FOR i IN 1 .. cardinality(v_planned) LOOP
            IF NOT p_acc.planned_epics ? v_planned[i] THEN
                p_acc.planned_epics := p_acc.planned_epics || to_jsonb(v_planned[i]);
            END IF;
        END LOOP;
    ELSIF cardinality(v_planned) > 16 THEN
        p_acc.planned_epics := p_acc.planned_epics
                               || to_jsonb(ARRAY(SELECT l.epic_id FROM unnest(v_planned) WITH ORDINALITY AS l (epic_id, n)
                                                  WHERE l.epic_id NOT IN (SELECT jsonb_array_elements_text(p_acc.planned_epics))
                                                  GROUP BY l.epic_id ORDER BY min(l.n)));
    END IF;
    RETURN p_acc;
END
$$;

COMMENT ON FUNCTION event_store._fold_apply(event_store._fold_acc, event_store.events[]) IS
    'Internal: the fold''s state transitions, one branch per event type: applies p_events in array '
    'order to the running state p_acc and returns it. Unknown types only move the counters.';

REVOKE ALL ON FUNCTION event_store._fold_apply(event_store._fold_acc, event_store.events[]) FROM PUBLIC;

COMMIT;
