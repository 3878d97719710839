-- Deploy supervisor_event_store:functions/poll_subscription to pg
-- requires: functions/_subscription
-- requires: tables/subscription_slots
-- requires: functions/_feed_page
-- requires: roles/event_store_reader
-- requires: functions/_feed_position

BEGIN;

/*
 * The next batch of a subscription for member p_member (0 for a plain subscription): the events
 * after the checkpoint of one slot the member holds, in change-feed order. Does not move the
 * checkpoint: until ack_subscription, the same events come again (at-least-once).
 *
 * Consumer groups (message-db's member/size split, plus leases for takeover): instance i belongs
 * to slot _feed_slot(i, members), and slot m's home member is m, so each instance's events go to
 * one member, in order. Each poll renews the member's leases and claims its home slot plus every
 * slot whose lease ran out (a member that stopped polling and acking); a home member coming back
 * takes its slot back. Slots locked by a holder's open ack are skipped, never waited for. A batch
 * comes from one slot: the claimed slot with the oldest checkpoint that has events.
 * Records the delivered position of that slot, so an ack can go up to it and not beyond.
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
    SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    v_sub     event_store.subscriptions := event_store._subscription(p_subscription_name, true);
    v_horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
    v_salt    bigint := ('x' || left(md5(current_database()), 7))::bit(28)::bigint;   -- for _feed_cursor, once
    v_slot    record;
    v_last    record;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'Acknowledge the batch and poll again instead of a bigger limit.';
    END IF;
    IF p_member IS NULL OR p_member NOT BETWEEN 0 AND v_sub.members - 1 THEN
        RAISE EXCEPTION 'member must be between 0 and % for subscription "%", got %',
                        v_sub.members - 1, p_subscription_name, coalesce(p_member::text, 'null')
            USING ERRCODE = 'ES006', HINT = format('Subscription "%s" has %s member(s), numbered from 0.',
                                                   p_subscription_name, v_sub.members);
    END IF;

    -- Claim: the home slot, the slots already held, and every slot whose lease ran out.
    WITH claimable AS (
        SELECT s.slot FROM event_store.subscription_slots s
         WHERE s.subscription_name = p_subscription_name
           AND (s.slot = p_member OR s.holder = p_member OR s.lease_until < now())
           FOR UPDATE SKIP LOCKED
    )
    UPDATE event_store.subscription_slots s
       SET holder = p_member,
           lease_until = now() + v_sub.lease,
           delivered_key = CASE WHEN s.holder IS DISTINCT FROM p_member THEN s.checkpoint_key ELSE s.delivered_key END,
           delivered_position = CASE WHEN s.holder IS DISTINCT FROM p_member THEN s.checkpoint_position
                                     ELSE s.delivered_position END
      FROM claimable c
     WHERE s.subscription_name = p_subscription_name AND s.slot = c.slot;

    FOR v_slot IN
        SELECT s.slot, s.checkpoint_key, s.checkpoint_position FROM event_store.subscription_slots s
         WHERE s.subscription_name = p_subscription_name AND s.holder = p_member
         ORDER BY s.checkpoint_key, s.checkpoint_position
    LOOP
        FOR event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at,
            updated_at, global_position, transaction_id, cursor IN
            SELECT * FROM event_store._feed_page(v_slot.checkpoint_key, v_slot.checkpoint_position, v_horizon,
                                                 p_limit, v_sub.event_types, v_sub.instance_ids, v_sub.project,
                                                 v_sub.members, v_slot.slot, v_salt)
        LOOP
            RETURN NEXT;
        END LOOP;
        IF cursor IS NOT NULL THEN
            -- The last row returned is the furthest delivered position of this slot.
            v_last := event_store._feed_position(cursor);
            UPDATE event_store.subscription_slots s
               SET delivered_key = v_last.feed_key, delivered_position = v_last.global_position
             WHERE s.subscription_name = p_subscription_name AND s.slot = v_slot.slot
               AND (s.delivered_key, s.delivered_position) < (v_last.feed_key, v_last.global_position);
            RETURN;
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store.poll_subscription(text, int, int) IS
    'The next batch (at most p_limit events, read_all''s columns) of subscription p_subscription_name for '
    'consumer-group member p_member (0 for a plain subscription), after its checkpoint; does not move '
    'the checkpoint. Renews the member''s leases and takes over slots whose lease ran out. '
    'Errors: ES006 bad name, limit or member, ES008 no such subscription.';

REVOKE ALL ON FUNCTION event_store.poll_subscription(text, int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.poll_subscription(text, int, int) TO event_store_reader;

COMMIT;
