-- Verify supervisor_event_store:tables/subscriptions on pg

BEGIN;

SELECT subscription_name, event_types, instance_ids, project, members, lease, created_at
  FROM event_store.subscriptions WHERE false;

ROLLBACK;
