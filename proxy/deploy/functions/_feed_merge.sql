-- Deploy supervisor_event_store_proxy:functions/_feed_merge to pg
-- requires: types/feed_row
-- requires: functions/_feed_vector

BEGIN;

/*
 * One page of the change feed through the proxy, merged from the shards' pages (p_rows), with a
 * vector cursor per row.
 *
 * Order: no global order exists across shards (each shard orders its own events by its own
 * transaction ids). Each shard's rows keep their shard's order (so each instance's events stay in
 * sequence order: an instance lives on one shard); the shards are interleaved by time: rows in
 * order of the running maximum of created_at along their shard's page (non-decreasing along each
 * shard, so the shard's order is kept), then shard number, then place in the page. Only the first
 * p_limit rows are returned; a shard's rows cut off here come again in the next page.
 *
 * Cursors: row i's cursor holds, for each shard, the cursor of that shard's last row up to row i,
 * or the position the page started from (p_parts) for a shard without one. The rows of a shard up
 * to row i are a prefix of its page, so reading on after row i's cursor returns exactly the rows
 * not returned yet, on every shard: never skip, never repeat. p_tag and p_salt: as _feed_vector.
 */
CREATE OR REPLACE FUNCTION event_store._feed_merge(
    p_rows  event_store_remote.feed_row[],
    p_parts text[],
    p_limit integer,
    p_tag   text,
    p_map   text,
    p_salt  text DEFAULT NULL
)
    RETURNS TABLE (event_id uuid, instance_id text, event_type text, sequence_num bigint,
                   "timestamp" timestamptz, event_data jsonb, metadata jsonb, created_at timestamptz,
                   updated_at timestamptz, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_parts text[] := p_parts;
    v_row   record;
BEGIN
    FOR v_row IN
        SELECT m.* FROM (SELECT r.*, max(r.created_at) OVER (PARTITION BY r.shard ORDER BY r.ord) AS merge_at
                           FROM unnest(p_rows) r) m
         ORDER BY m.merge_at, m.shard, m.ord
         LIMIT p_limit
    LOOP
        v_parts[v_row.shard + 1] := v_row.cursor;
        event_id := v_row.event_id;
        instance_id := v_row.instance_id;
        event_type := v_row.event_type;
        sequence_num := v_row.sequence_num;
        "timestamp" := v_row."timestamp";
        event_data := v_row.event_data;
        metadata := v_row.metadata;
        created_at := v_row.created_at;
        updated_at := v_row.updated_at;
        global_position := v_row.global_position;
        transaction_id := v_row.transaction_id;
        cursor := event_store._feed_vector(p_tag, p_map, v_parts, p_salt);
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store._feed_merge(event_store_remote.feed_row[], text[], integer, text, text, text) IS
    'Internal: the shards'' feed rows merged into one page of at most p_limit rows (each shard''s order kept, '
    'shards interleaved by created_at), each with the vector cursor of the position after it.';

REVOKE ALL ON FUNCTION event_store._feed_merge(event_store_remote.feed_row[], text[], integer, text, text, text) FROM PUBLIC;

COMMIT;
