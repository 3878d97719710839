-- Deploy supervisor_event_store_proxy:functions/ack_subscription to pg
-- requires: remote/ack_subscription
-- requires: functions/_feed_parts
-- requires: functions/_feed_targets
-- requires: functions/_shard_map
-- requires: functions/_reraise
-- requires: roles/event_store

BEGIN;

/*
 * Acknowledges a batch of poll_subscription through the proxy: p_cursor (a cursor of a row that
 * poll_subscription returned for this subscription; tag p1) holds, per shard, the last row the
 * caller received from it; each such shard's checkpoint moves to it by the shard's own
 * compare-and-set (holder, after the checkpoint, not beyond what that shard delivered). So no
 * checkpoint ever moves past what the caller received. The shards are called one after the other.
 *
 * Each shard commits on its own (PL/Proxy): not part of the caller's transaction, so through the
 * proxy an ack is at-least-once (ack after your own writes have committed), never exactly-once.
 * A shard that fails (ES010) leaves the shards before it acked and the rest not; calling again
 * with the same cursor finishes: a shard's part that is not after its checkpoint any more (acked
 * already, by this call's earlier attempt or by another consumer, or its slot taken over) is
 * passed over, and ES004 comes only when no shard's checkpoint moved (what one server says for a
 * batch acked twice). Polling again instead is also safe: what was not acked comes again.
 * Returns one row per consumer-group slot moved (one for a plain subscription), with p_cursor.
 */
CREATE OR REPLACE FUNCTION event_store.ack_subscription(
    p_subscription_name text,
    p_cursor            text,
    p_member            int DEFAULT 0
)
    RETURNS TABLE (subscription_name text, slot int, checkpoint text)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_map     text := event_store._shard_map();
    v_parts   text[];
    v_slots   integer[] := '{}';
    v_targets record;
    v_state   text; v_message text;
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    IF p_cursor IS NULL THEN
        RAISE EXCEPTION 'cursor must not be null'
            USING ERRCODE = 'ES006', HINT = 'Pass the cursor of the last row of the batch you processed.';
    END IF;
    v_parts := event_store._feed_parts(p_cursor, 'p1', v_map, p_subscription_name, false);
    SELECT * INTO v_targets FROM event_store._feed_targets(v_map, v_parts, NULL);
    FOR i IN 1 .. cardinality(v_targets.shards) LOOP
        CONTINUE WHEN v_targets.parts[i] IS NULL OR v_targets.parts[i] = '*';
        BEGIN
            v_slots := v_slots || ARRAY(SELECT a.slot FROM event_store_remote.ack_subscription(
                                            v_targets.partitions[i], p_subscription_name, v_targets.parts[i],
                                            p_member) a);
        EXCEPTION WHEN SQLSTATE 'ES004' THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
        END;
    END LOOP;
    IF cardinality(v_slots) = 0 THEN
        IF v_state IS NULL THEN
            RAISE EXCEPTION 'cursor "%" names no event of this store', left(p_cursor, 80)
                USING ERRCODE = 'ES006', HINT = 'Acknowledge a cursor returned by poll_subscription.';
        END IF;
        PERFORM event_store._reraise(v_state, v_message, v_detail, v_hint, NULL);
    END IF;
    RETURN QUERY SELECT p_subscription_name, s.slot, p_cursor
                   FROM (SELECT DISTINCT x AS slot FROM unnest(v_slots) x) s ORDER BY s.slot;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint, NULL);
END
$$;

COMMENT ON FUNCTION event_store.ack_subscription(text, text, int) IS
    'Move the checkpoint of subscription p_subscription_name forward to p_cursor (compare-and-set) -> '
    '(subscription_name, slot, checkpoint); call it in the transaction of your own writes for exactly-once '
    'effects. Through the proxy: each shard''s checkpoint moves to what the caller received from it, each '
    'shard committing on its own (at-least-once; safe to retry: parts acked already are passed over). '
    'Errors: ES004 not after the checkpoint (backwards or twice) or slot taken over by another member, '
    'ES006 bad or undelivered cursor, ES008 no such subscription; ES010 a shard is unavailable.';

REVOKE ALL ON FUNCTION event_store.ack_subscription(text, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.ack_subscription(text, text, int) TO event_store_writer;

COMMIT;
