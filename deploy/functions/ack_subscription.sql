-- Deploy supervisor_event_store:functions/ack_subscription to pg
-- requires: functions/_subscription
-- requires: tables/subscription_slots
-- requires: functions/_feed_position
-- requires: functions/_feed_slot
-- requires: roles/event_store_writer
-- requires: functions/_feed_cursor

BEGIN;

/*
 * Moves the checkpoint of the slot that the cursor's event belongs to forward to p_cursor, by a
 * compare-and-set on the slot row (locked until the caller's transaction ends):
 * - the caller (p_member) must hold that slot: a member whose share was taken over is refused;
 * - p_cursor must be after the checkpoint: backwards, or the same cursor twice, is ES004;
 * - p_cursor must have been delivered to the holder by poll_subscription (not beyond).
 * Call it in the transaction that writes the consumer's own results: either both commit or
 * neither, and a second consumer acking the same batch gets ES004 and rolls its results back, so
 * every event's effect is applied exactly once.
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
    v_sub      event_store.subscriptions := event_store._subscription(p_subscription_name, true);
    v_to       record;
    v_instance text;
    v_slot     event_store.subscription_slots;
BEGIN
    IF p_cursor IS NULL THEN
        RAISE EXCEPTION 'cursor must not be null'
            USING ERRCODE = 'ES006', HINT = 'Pass the cursor of the last row of the batch you processed.';
    END IF;
    v_to := event_store._feed_position(p_cursor);
    SELECT e.instance_id INTO v_instance FROM event_store.events e
     WHERE e.global_position = v_to.global_position AND e.feed_key = v_to.feed_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'cursor "%" names no event of this store', p_cursor
            USING ERRCODE = 'ES006', HINT = 'Acknowledge a cursor returned by poll_subscription.';
    END IF;
    SELECT * INTO v_slot FROM event_store.subscription_slots s
     WHERE s.subscription_name = p_subscription_name
       AND s.slot = event_store._feed_slot(v_instance, v_sub.members)
       FOR UPDATE;
    IF v_slot.holder IS DISTINCT FROM p_member THEN
        RAISE EXCEPTION 'member % does not hold slot % of subscription "%" (held by %)',
                        p_member, v_slot.slot, p_subscription_name, coalesce(v_slot.holder::text, 'nobody')
            USING ERRCODE = 'ES004',
                  HINT = 'The lease ran out and another member took the slot over: roll back this batch''s '
                         'work and poll again.';
    END IF;
    IF (v_to.feed_key, v_to.global_position) <= (v_slot.checkpoint_key, v_slot.checkpoint_position) THEN
        RAISE EXCEPTION 'cursor "%" is not after the checkpoint of subscription "%" slot %', p_cursor,
                        p_subscription_name, v_slot.slot
            USING ERRCODE = 'ES004',
                  DETAIL = format('checkpoint=%s', event_store._feed_cursor(v_slot.checkpoint_key, v_slot.checkpoint_position)),
                  HINT = 'This batch was already acknowledged (by you or a concurrent consumer): roll back its work '
                         'and poll again.';
    END IF;
    IF (v_to.feed_key, v_to.global_position) > (v_slot.delivered_key, v_slot.delivered_position) THEN
        RAISE EXCEPTION 'cursor "%" was not delivered by subscription "%" slot % yet', p_cursor,
                        p_subscription_name, v_slot.slot
            USING ERRCODE = 'ES006', HINT = 'Acknowledge only cursors that poll_subscription returned to you.';
    END IF;
    UPDATE event_store.subscription_slots s
       SET checkpoint_key = v_to.feed_key, checkpoint_position = v_to.global_position,
           acked_at = now(), lease_until = now() + v_sub.lease
     WHERE s.subscription_name = p_subscription_name AND s.slot = v_slot.slot;
    RETURN QUERY SELECT p_subscription_name, v_slot.slot, p_cursor;
END
$$;

COMMENT ON FUNCTION event_store.ack_subscription(text, text, int) IS
    'Move the checkpoint of subscription p_subscription_name forward to p_cursor (compare-and-set) -> '
    '(subscription_name, slot, checkpoint); call it in the transaction of your own writes for exactly-once '
    'effects. Errors: ES004 not after the checkpoint (backwards or twice) or slot taken over by another '
    'member, ES006 bad or undelivered cursor, ES008 no such subscription.';

REVOKE ALL ON FUNCTION event_store.ack_subscription(text, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.ack_subscription(text, text, int) TO event_store_writer;

COMMIT;
