-- Deploy supervisor_event_store_proxy:functions/drop_subscription to pg
-- requires: remote/drop_subscription
-- requires: functions/_feed_targets
-- requires: functions/_shard_map
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * Admin: removes a subscription from every shard that has it, one after the other; ES008 only
 * when none has it. Each shard commits on its own: after a failure (ES010) the shards before it
 * have dropped theirs; calling again drops the rest.
 */
CREATE OR REPLACE FUNCTION event_store.drop_subscription(
    p_subscription_name text
)
    RETURNS boolean
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_map     text := event_store._shard_map();
    v_dropped integer := 0;
    v_targets record;
    v_state   text; v_message text;
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    SELECT * INTO v_targets FROM event_store._feed_targets(v_map, NULL, NULL);
    FOR i IN 1 .. cardinality(v_targets.shards) LOOP
        BEGIN
            PERFORM event_store_remote.drop_subscription(v_targets.partitions[i], p_subscription_name);
            v_dropped := v_dropped + 1;
        EXCEPTION WHEN SQLSTATE 'ES008' THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
        END;
    END LOOP;
    IF v_dropped = 0 THEN
        PERFORM event_store._reraise(v_state, v_message, v_detail, v_hint, NULL);
    END IF;
    RETURN true;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.drop_subscription(text) IS
    'Admin: remove subscription p_subscription_name and its checkpoints; returns true. Through the proxy: '
    'from every shard that has it (safe to retry). Errors: ES006 malformed name, ES008 no such subscription; '
    'ES010 a shard is unavailable.';

REVOKE ALL ON FUNCTION event_store.drop_subscription(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.drop_subscription(text) TO event_store_admin;

COMMIT;
