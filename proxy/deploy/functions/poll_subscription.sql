-- Deploy supervisor_event_store_proxy:functions/poll_subscription to pg
-- requires: remote/poll_subscription
-- requires: functions/_feed_merge
-- requires: functions/_feed_targets
-- requires: functions/_shard_map
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * The next batch of a subscription through the proxy: the shard function on every shard (each
 * after its own checkpoint, claiming its own slots and leases for p_member, recording what it
 * delivered), merged into one batch of at most p_limit rows as read_all merges (_feed_merge).
 * Nothing moves a checkpoint: until ack_subscription the same events come again.
 *
 * Each row's cursor (tag p1, tied to this subscription's name) holds, for each shard, its last row
 * up to that row, or * when the batch has none of that shard yet: acking it moves each shard's
 * checkpoint to exactly what the caller received. A shard may have delivered more than the merged
 * batch kept; its checkpoint still moves only as far as the cursor says.
 *
 * The shards are called one after the other, so that a shard without the subscription (ES008: an
 * instance filter naming none of its instances, or a create not yet retried after a failure) is
 * passed over; ES008 only when no shard has it. Any other error (ES010 for a shard that is down)
 * fails the call, and no checkpoint has moved.
 */
CREATE OR REPLACE FUNCTION event_store.poll_subscription(
    p_subscription_name text,
    p_limit             int DEFAULT 100,
    p_member            int DEFAULT 0
)
    RETURNS TABLE (event_id uuid, instance_id text, event_type text, sequence_num bigint,
                   "timestamp" timestamptz, event_data jsonb, metadata jsonb, created_at timestamptz,
                   updated_at timestamptz, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_map     text := event_store._shard_map();
    v_rows    event_store_remote.feed_row[] := '{}';
    v_held    integer := 0;
    v_targets record;
    v_state   text; v_message text;
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    SELECT * INTO v_targets FROM event_store._feed_targets(v_map, NULL, NULL);
    FOR i IN 1 .. cardinality(v_targets.shards) LOOP
        BEGIN
            v_rows := v_rows || ARRAY(SELECT r FROM event_store_remote.poll_subscription(
                                          v_targets.partitions[i], v_targets.shards[i], p_subscription_name,
                                          p_limit, p_member) r);
            v_held := v_held + 1;
        EXCEPTION WHEN SQLSTATE 'ES008' THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
        END;
    END LOOP;
    IF v_held = 0 THEN
        PERFORM event_store._reraise(v_state, v_message, v_detail, v_hint, NULL);
    END IF;
    RETURN QUERY
    SELECT * FROM event_store._feed_merge(
        v_rows, array_fill('*'::text, ARRAY[cardinality(v_targets.shards)]),
        p_limit, 'p1', v_map, p_subscription_name);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.poll_subscription(text, int, int) IS
    'The next batch (at most p_limit events, read_all''s columns) of subscription p_subscription_name for '
    'consumer-group member p_member (0 for a plain subscription), after its checkpoint; does not move '
    'the checkpoint. Renews the member''s leases and takes over slots whose lease ran out. Through the proxy: '
    'every shard''s batch merged as read_all merges; each cursor holds what was received from each shard. '
    'Errors: ES006 bad name, limit or member, ES008 no such subscription; ES010 a shard is unavailable.';

REVOKE ALL ON FUNCTION event_store.poll_subscription(text, int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.poll_subscription(text, int, int) TO event_store_reader;

COMMIT;
