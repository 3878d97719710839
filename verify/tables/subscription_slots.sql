-- Verify supervisor_event_store:tables/subscription_slots on pg

BEGIN;

SELECT subscription_name, slot, checkpoint_key, checkpoint_position, delivered_key, delivered_position,
       holder, lease_until, acked_at
  FROM event_store.subscription_slots WHERE false;

ROLLBACK;
