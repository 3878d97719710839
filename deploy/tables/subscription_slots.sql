-- Deploy supervisor_event_store:tables/subscription_slots to pg
-- requires: tables/subscriptions

BEGIN;

/*
 * One row per consumer-group member (slot) of a subscription; a plain subscription has slot 0.
 * checkpoint_*: the acknowledged feed position; poll_subscription delivers what follows it.
 * delivered_*: the furthest position poll_subscription delivered to the current holder; an ack
 * may move the checkpoint up to it, not beyond (reset to the checkpoint when the holder changes).
 * holder / lease_until: the member serving the slot (its home member, or one that took it over
 * after the lease ran out); an ack by anyone else is refused, so a member that lost its share
 * cannot acknowledge work it did not own (its transaction rolls back: exactly-once holds).
 */
CREATE TABLE event_store.subscription_slots (
    subscription_name   text        NOT NULL
                        REFERENCES event_store.subscriptions (subscription_name) ON DELETE CASCADE,
    slot                int         NOT NULL,
    checkpoint_key      xid8        NOT NULL,
    checkpoint_position bigint      NOT NULL,
    delivered_key       xid8        NOT NULL,
    delivered_position  bigint      NOT NULL,
    holder              int,
    lease_until         timestamptz NOT NULL,
    acked_at            timestamptz,
    PRIMARY KEY (subscription_name, slot)
);

COMMENT ON TABLE event_store.subscription_slots IS
    'Per consumer-group member of a subscription: the checkpoint, the furthest delivered position, and '
    'which member holds the slot until when (lease).';
COMMENT ON COLUMN event_store.subscription_slots.slot IS
    'Member number 0 .. members-1: the home member of the instances with _feed_slot(instance_id, members) = slot.';
COMMENT ON COLUMN event_store.subscription_slots.checkpoint_key IS
    'Acknowledged position (feed_key half); poll_subscription delivers the events after it.';
COMMENT ON COLUMN event_store.subscription_slots.checkpoint_position IS 'Acknowledged position (global_position half).';
COMMENT ON COLUMN event_store.subscription_slots.delivered_key IS
    'Furthest position delivered to the holder (feed_key half): acks may go up to it.';
COMMENT ON COLUMN event_store.subscription_slots.delivered_position IS 'Furthest delivered position (global_position half).';
COMMENT ON COLUMN event_store.subscription_slots.holder IS 'The member serving this slot now (NULL: none yet).';
COMMENT ON COLUMN event_store.subscription_slots.lease_until IS
    'The holder keeps the slot until then (renewed by each poll and ack); later any member may take it over.';

REVOKE ALL ON event_store.subscription_slots FROM PUBLIC;

COMMIT;
