-- Deploy supervisor_event_store:functions/_feed_page to pg
-- requires: functions/_feed_cursor
-- requires: functions/_feed_slot
-- requires: indexes/events_feed_key

BEGIN;

/*
 * One page of the change feed: the events after (p_feed_key, p_global_position) in
 * (feed_key, global_position) order with feed_key < p_horizon, matching the filters (NULL = any)
 * and, when p_members > 1, only the instances of consumer-group slot p_slot. A keyset range
 * scan of events_feed_key_idx. The one query behind read_all and poll_subscription.
 * p_salt: passed on to _feed_cursor (computed once by the caller, not once per row).
 * LANGUAGE sql, STABLE, without SET or SECURITY DEFINER, so the planner inlines it into the
 * caller's query and plans the index scan with the caller's values; internal, and every name in
 * it is qualified.
 */
CREATE OR REPLACE FUNCTION event_store._feed_page(
    p_feed_key        xid8,
    p_global_position bigint,
    p_horizon         xid8,
    p_limit           int,
    p_event_types     text[],
    p_instance_ids    text[],
    p_project         text,
    p_members         int,
    p_slot            int,
    p_salt            bigint DEFAULT NULL
)
    RETURNS TABLE (event_id uuid, instance_id text, event_type text, sequence_num bigint,
                   "timestamp" timestamptz, event_data jsonb, metadata jsonb, created_at timestamptz,
                   updated_at timestamptz, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE sql
    STABLE
AS $$
    SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
           e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
           event_store._feed_cursor(e.feed_key, e.global_position, p_salt)
      FROM event_store.events e
     WHERE (e.feed_key, e.global_position) > (p_feed_key, p_global_position)
       AND e.feed_key < p_horizon
       AND (p_event_types IS NULL OR e.event_type = ANY (p_event_types))
       AND (p_instance_ids IS NULL OR e.instance_id = ANY (p_instance_ids))
       AND (p_project IS NULL OR EXISTS (SELECT FROM event_store.instances i
                                          WHERE i.instance_id = e.instance_id AND i.project = p_project))
       AND (p_members = 1 OR event_store._feed_slot(e.instance_id, p_members) = p_slot)
     ORDER BY e.feed_key, e.global_position
     LIMIT p_limit
$$;

COMMENT ON FUNCTION event_store._feed_page(xid8, bigint, xid8, int, text[], text[], text, int, int, bigint) IS
    'Internal: a page of the change feed after a position, below a horizon, filtered by type, instance, '
    'project and consumer-group slot.';

REVOKE ALL ON FUNCTION event_store._feed_page(xid8, bigint, xid8, int, text[], text[], text, int, int, bigint) FROM PUBLIC;

COMMIT;
