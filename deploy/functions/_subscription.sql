-- Deploy supervisor_event_store:functions/_subscription to pg
-- requires: tables/subscriptions

BEGIN;

/*
 * The subscription named p_subscription_name: ES006 for a NULL or malformed name, ES008 when no
 * subscription has it. p_lock takes its row FOR SHARE (create/ack/poll against a concurrent drop).
 */
CREATE OR REPLACE FUNCTION event_store._subscription(
    p_subscription_name text,
    p_lock              boolean DEFAULT false
)
    RETURNS event_store.subscriptions
    LANGUAGE plpgsql
    VOLATILE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_sub event_store.subscriptions;
BEGIN
    IF p_subscription_name IS NULL OR p_subscription_name !~ '^[A-Za-z0-9_.:-]{1,64}$' THEN
        RAISE EXCEPTION 'invalid subscription name "%": use 1-64 characters of A-Z, a-z, 0-9, "_", ".", ":" and "-"',
                        coalesce(left(p_subscription_name, 80), 'null')
            USING ERRCODE = 'ES006', HINT = 'For example ''checkpoint-trigger''.';
    END IF;
    IF p_lock THEN
        SELECT * INTO v_sub FROM event_store.subscriptions s WHERE s.subscription_name = p_subscription_name FOR SHARE;
    ELSE
        SELECT * INTO v_sub FROM event_store.subscriptions s WHERE s.subscription_name = p_subscription_name;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'subscription "%" not found', p_subscription_name
            USING ERRCODE = 'ES008',
                  HINT = 'Create it with event_store.create_subscription(name); list them with event_store.list_subscriptions().';
    END IF;
    RETURN v_sub;
END
$$;

COMMENT ON FUNCTION event_store._subscription(text, boolean) IS
    'Internal: the subscription row of a name (optionally locked FOR SHARE). Errors: ES006 malformed name, '
    'ES008 no such subscription.';

REVOKE ALL ON FUNCTION event_store._subscription(text, boolean) FROM PUBLIC;

COMMIT;
