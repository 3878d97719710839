-- Deploy supervisor_event_store:functions/list_subscriptions to pg
-- requires: tables/subscription_slots
-- requires: functions/_feed_page
-- requires: roles/event_store_reader
-- requires: functions/_feed_cursor

BEGIN;

/*
 * Every subscription slot (one row per consumer-group member) with its lag:
 * events_behind: committed events of the slot after its checkpoint that this snapshot sees (also
 *   those not yet below the horizon); counting reads them, so it costs O(lag).
 * seconds_behind: age of the oldest of them (0 when caught up).
 * horizon_*: the oldest transaction in the cluster that has an xid (a writer, idle in a
 *   transaction, or prepared): it holds the transaction horizon and so every follower back.
 *   Its pid, age (now - transaction start) and state only; SECURITY DEFINER reads all of
 *   pg_stat_activity, so the query text, user and client address are deliberately not shown.
 */
CREATE OR REPLACE FUNCTION event_store.list_subscriptions()
    RETURNS TABLE (subscription_name text, slot int, members int, event_types text[], instance_ids text[],
                   project text, checkpoint text, holder int, lease_until timestamptz, acked_at timestamptz,
                   events_behind bigint, seconds_behind double precision,
                   horizon_pid int, horizon_age interval, horizon_state text)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
    SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    v_pid   int;
    v_age   interval;
    v_state text;
BEGIN
    SELECT h.pid, h.age, h.state INTO v_pid, v_age, v_state
      FROM (SELECT a.pid, now() - a.xact_start AS age, a.state, a.backend_xid AS x
              FROM pg_catalog.pg_stat_activity a
             WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
            UNION ALL
            SELECT NULL::int, now() - p.prepared, 'prepared', p.transaction
              FROM pg_catalog.pg_prepared_xacts p) h
     ORDER BY age(h.x) DESC
     LIMIT 1;

    RETURN QUERY
    SELECT s.subscription_name, sl.slot, s.members, s.event_types, s.instance_ids, s.project,
           event_store._feed_cursor(sl.checkpoint_key, sl.checkpoint_position), sl.holder, sl.lease_until,
           sl.acked_at, lag.n, coalesce(extract(epoch FROM now() - lag.oldest)::double precision, 0),
           v_pid, v_age, v_state
      FROM event_store.subscriptions s
      JOIN event_store.subscription_slots sl ON sl.subscription_name = s.subscription_name
     CROSS JOIN LATERAL (
           SELECT count(*) AS n, min(p."timestamp") AS oldest
             FROM event_store._feed_page(sl.checkpoint_key, sl.checkpoint_position, '18446744073709551615'::xid8,
                                         NULL, s.event_types, s.instance_ids, s.project, s.members, sl.slot, NULL) p
           ) lag
     ORDER BY s.subscription_name, sl.slot;
END
$$;

COMMENT ON FUNCTION event_store.list_subscriptions() IS
    'Every subscription slot (one row per consumer-group member) with checkpoint, holder, lease, last ack, '
    'events_behind and seconds_behind, and the oldest open transaction holding the horizon back '
    '(horizon_pid, horizon_age, horizon_state; no query text or user is shown).';

REVOKE ALL ON FUNCTION event_store.list_subscriptions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.list_subscriptions() TO event_store_reader;

COMMIT;
