-- Deploy supervisor_event_store:functions/create_subscription to pg
-- requires: functions/_subscription
-- requires: tables/subscription_slots
-- requires: functions/_feed_position
-- requires: functions/_check_feed_filters
-- requires: indexes/events_feed_key
-- requires: roles/event_store_writer
-- requires: functions/_feed_cursor

BEGIN;

/*
 * Creates a named subscription with a server-side checkpoint per consumer-group member.
 *
 * p_start_from: 'beginning' (every event), 'end' (only events not yet below the transaction
 * horizon, i.e. from now on), a cursor of read_all/poll_subscription (the events after it), or
 * an ISO timestamp (every event from the first one, in feed order, stamped at or after it; a few
 * events stamped just before it may come too, never one after it is missed).
 * Filters as read_all. p_members: consumer-group size (1 = a plain subscription). p_lease: how
 * long a member keeps its share without polling or acking before another member takes it over.
 *
 * Idempotent for consumers that create their subscription at every start: the same name with the
 * same filters, members and lease returns the existing one untouched (created = false); the same
 * name with another definition is ES007.
 */
CREATE OR REPLACE FUNCTION event_store.create_subscription(
    p_subscription_name text,
    p_start_from        text     DEFAULT 'beginning',
    p_event_types       text[]   DEFAULT NULL,
    p_instance_ids      text[]   DEFAULT NULL,
    p_project           text     DEFAULT NULL,
    p_members           int      DEFAULT 1,
    p_lease             interval DEFAULT '30 seconds'
)
    RETURNS TABLE (subscription_name text, members int, checkpoint text, created boolean)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_sub   event_store.subscriptions;
    v_key   xid8;
    v_pos   bigint := 0;
    v_since timestamptz;
BEGIN
    BEGIN
        v_sub := event_store._subscription(p_subscription_name);
    EXCEPTION WHEN SQLSTATE 'ES008' THEN
        v_sub := NULL;
    END;
    IF p_members IS NULL OR p_members NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'members must be between 1 and 1000, got %', coalesce(p_members::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'Use 1 for a single consumer, or the number of consumer-group members.';
    END IF;
    IF p_lease IS NULL OR p_lease NOT BETWEEN interval '1 second' AND interval '1 day' THEN
        RAISE EXCEPTION 'lease must be between 1 second and 1 day, got %', coalesce(p_lease::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'For example interval ''30 seconds''.';
    END IF;
    PERFORM event_store._check_feed_filters(p_event_types, p_instance_ids, p_project);

    IF v_sub.subscription_name IS NOT NULL THEN
        IF (v_sub.event_types, v_sub.instance_ids, v_sub.project, v_sub.members, v_sub.lease)
           IS DISTINCT FROM (p_event_types, p_instance_ids, p_project, p_members, p_lease) THEN
            RAISE EXCEPTION 'subscription "%" already exists with another definition', p_subscription_name
                USING ERRCODE = 'ES007',
                      DETAIL = format('Stored: event_types %s, instance_ids %s, project %s, members %s, lease %s.',
                                      v_sub.event_types, v_sub.instance_ids, v_sub.project, v_sub.members, v_sub.lease),
                      HINT = 'Use another name, or drop_subscription it first (admin).';
        END IF;
        RETURN QUERY SELECT v_sub.subscription_name, v_sub.members,
                            event_store._feed_cursor(s.checkpoint_key, s.checkpoint_position), false
                       FROM event_store.subscription_slots s
                      WHERE s.subscription_name = p_subscription_name AND s.slot = 0;
        RETURN;
    END IF;

    IF p_start_from IS NULL OR p_start_from = 'beginning' THEN
        v_key := '0';
    ELSIF p_start_from = 'end' THEN
        v_key := pg_snapshot_xmin(pg_current_snapshot());
    ELSIF p_start_from LIKE 'f1.%' THEN
        SELECT f.feed_key, f.global_position INTO v_key, v_pos FROM event_store._feed_position(p_start_from) f;
    ELSE
        BEGIN
            v_since := p_start_from::timestamptz;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'invalid start "%": not beginning, end, a cursor or a timestamp', left(p_start_from, 80)
                USING ERRCODE = 'ES006',
                      HINT = 'Pass ''beginning'', ''end'', a cursor from read_all, or e.g. ''2026-12-01T10:00:00Z''.';
        END;
        -- From the smallest key among the events stamped from v_since on: the visible ones, and
        -- the ones not visible yet, whose keys are >= the horizon.
        SELECT min(e.feed_key) INTO v_key FROM event_store.events e WHERE e."timestamp" >= v_since;
        v_key := least(v_key, pg_snapshot_xmin(pg_current_snapshot()));
    END IF;

    INSERT INTO event_store.subscriptions (subscription_name, event_types, instance_ids, project, members, lease)
    VALUES (p_subscription_name, p_event_types, p_instance_ids, p_project, p_members, p_lease)
    ON CONFLICT ON CONSTRAINT subscriptions_pkey DO NOTHING;
    IF NOT FOUND THEN                      -- created concurrently: compare with that one
        RETURN QUERY SELECT * FROM event_store.create_subscription(p_subscription_name, p_start_from,
            p_event_types, p_instance_ids, p_project, p_members, p_lease);
        RETURN;
    END IF;
    -- A slot is first reserved for its home member for one lease; after that anyone may serve it.
    INSERT INTO event_store.subscription_slots
           (subscription_name, slot, checkpoint_key, checkpoint_position, delivered_key, delivered_position,
            lease_until)
    SELECT p_subscription_name, n, v_key, v_pos, v_key, v_pos, now() + p_lease
      FROM generate_series(0, p_members - 1) n;
    RETURN QUERY SELECT p_subscription_name, p_members, event_store._feed_cursor(v_key, v_pos), true;
END
$$;

COMMENT ON FUNCTION event_store.create_subscription(text, text, text[], text[], text, int, interval) IS
    'Create a named subscription -> (subscription_name, members, checkpoint, created). p_start_from: '
    '''beginning'', ''end'', a cursor, or an ISO timestamp. Filters as read_all. p_members: consumer-group '
    'size; p_lease: how long a silent member keeps its share. The same definition again returns the '
    'existing one (created = false). Errors: ES001/ES002 unknown type/instance in a filter, ES006 bad '
    'name, start, members, lease or filter, ES007 name taken by another definition.';

REVOKE ALL ON FUNCTION event_store.create_subscription(text, text, text[], text[], text, int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.create_subscription(text, text, text[], text[], text, int, interval)
    TO event_store_writer;

COMMIT;
