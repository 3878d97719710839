-- Deploy supervisor_event_store_proxy:functions/query_events to pg
-- requires: remote/query_events
-- requires: functions/_reraise
-- requires: roles/event_store
-- requires: functions/_partition
-- requires: remote/count_events

BEGIN;

/*
 * event_store.query_events of the shards, on the instance's shard, or on every shard (merged) for all instances.
 * Errors: as the shard raises them (_reraise); ES010 when a shard is unreachable.
 */
CREATE OR REPLACE FUNCTION event_store.query_events(
    p_instance_id text DEFAULT NULL::text,
    p_event_types text[] DEFAULT NULL::text[],
    p_start_date timestamp with time zone DEFAULT NULL::timestamp with time zone,
    p_end_date timestamp with time zone DEFAULT NULL::timestamp with time zone,
    p_keyword text DEFAULT NULL::text,
    p_limit integer DEFAULT 100,
    p_offset integer DEFAULT 0,
    p_after_sequence bigint DEFAULT NULL::bigint,
    p_exact_count boolean DEFAULT false
)
    RETURNS TABLE(event_id uuid, instance_id text, event_type text, sequence_num bigint, "timestamp" timestamp with time zone, event_data jsonb, metadata jsonb, created_at timestamp with time zone, updated_at timestamp with time zone, global_position bigint, transaction_id xid8, total_count bigint, has_more boolean, total_exact boolean)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_total bigint;
    v_exact boolean;
    v_detail text; v_hint text;  -- the handler every proxy function ends with (see _reraise)
BEGIN
    IF p_instance_id IS NOT NULL THEN
        RETURN QUERY SELECT q.* FROM event_store_remote.query_events(
            p_instance_id, p_event_types, p_start_date, p_end_date, p_keyword, p_limit, p_offset, p_after_sequence,
            p_exact_count) q;
        RETURN;
    END IF;
    IF p_limit IS NULL OR p_offset IS NULL OR p_limit NOT BETWEEN 1 AND 1000 OR p_offset < 0 THEN
        -- the shards' own ES006 for a bad page
        PERFORM FROM event_store_remote.query_events(
            NULL, p_event_types, p_start_date, p_end_date, p_keyword, p_limit, p_offset, p_after_sequence, p_exact_count);
    END IF;
    IF p_offset + p_limit > 1000 THEN
        RAISE EXCEPTION 'p_offset + p_limit is %, over 1000 for all instances through the proxy', p_offset + p_limit
            USING ERRCODE = 'ES006',
                  HINT = 'Page across all instances by date (p_start_date/p_end_date), or query one instance.';
    END IF;
    -- The total: a one-row page from every shard carries that shard's total_count and total_exact (a
    -- shard without a match returns no row). Their sum is exact when every part is, otherwise a lower
    -- bound (each shard stops counting at 10,000 unless p_exact_count).
    SELECT coalesce(sum(r.total_count), 0)::bigint, coalesce(bool_and(r.total_exact), true)
      INTO v_total, v_exact
      FROM event_store_remote.query_events(NULL, p_event_types, p_start_date, p_end_date, p_keyword, 1, 0,
                                           p_after_sequence, p_exact_count) r;
    -- Each shard's first p_offset + p_limit matches, merged in (timestamp, instance_id, sequence_num) order.
    RETURN QUERY
        WITH page AS (
            SELECT q.* FROM event_store_remote.query_events(
                NULL, p_event_types, p_start_date, p_end_date, p_keyword, p_offset + p_limit, 0, p_after_sequence,
                p_exact_count) q
             ORDER BY q."timestamp", q.instance_id, q.sequence_num
            OFFSET p_offset LIMIT p_limit)
        SELECT p.event_id, p.instance_id, p.event_type, p.sequence_num, p."timestamp", p.event_data, p.metadata,
               p.created_at, p.updated_at, p.global_position, p.transaction_id,
               v_total, v_total > p_offset + count(*) OVER () OR NOT v_exact, v_exact
          FROM page p
         ORDER BY p."timestamp", p.instance_id, p.sequence_num;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    -- no instance: a call to all shards (NULL), not the partition of a NULL id
    PERFORM event_store._reraise(SQLSTATE, SQLERRM, v_detail, v_hint,
                                 CASE WHEN p_instance_id IS NOT NULL THEN event_store._partition(p_instance_id) END);
END
$$;

COMMENT ON FUNCTION event_store.query_events IS
    'Events matching every given filter, one page: p_instance_id (NULL = all instances), p_event_types (registered types), p_start_date/p_end_date (inclusive), p_keyword (case-insensitive literal substring of data or metadata values; 3+ characters across all instances), p_limit 1-1000, p_offset >= 0, p_after_sequence (one instance: keyset paging, sequence_num > it), p_exact_count. Rows in sequence order (through the proxy across instances: timestamp, instance_id, sequence_num) with total_count, total_exact and has_more: total_count is exact up to 10,000 matches per shard, beyond that a lower bound with total_exact false, unless p_exact_count. Errors: ES001 unknown event type, ES002 unknown instance, ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.query_events FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.query_events TO event_store_reader;

COMMIT;
