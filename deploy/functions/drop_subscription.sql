-- Deploy supervisor_event_store:functions/drop_subscription to pg
-- requires: functions/_subscription
-- requires: tables/subscription_slots
-- requires: roles/event_store_admin

BEGIN;

/* Admin: removes a subscription and the checkpoints of all its members; returns true. */
CREATE OR REPLACE FUNCTION event_store.drop_subscription(
    p_subscription_name text
)
    RETURNS boolean
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    PERFORM event_store._subscription(p_subscription_name);       -- ES006, ES008
    DELETE FROM event_store.subscriptions s WHERE s.subscription_name = p_subscription_name;
    RETURN true;
END
$$;

COMMENT ON FUNCTION event_store.drop_subscription(text) IS
    'Admin: remove subscription p_subscription_name and its checkpoints; returns true. '
    'Errors: ES006 malformed name, ES008 no such subscription.';

REVOKE ALL ON FUNCTION event_store.drop_subscription(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.drop_subscription(text) TO event_store_admin;

COMMIT;
