-- Deploy supervisor_event_store_proxy:functions/_feed_targets to pg
-- requires: functions/_shard_of

BEGIN;

/*
 * The shards a change-feed call runs on, as the arrays the remote functions take (in shard order):
 * the partition that PL/Proxy reaches each shard by (its first), the shard numbers, each shard's
 * part of the cursor p_parts (one per shard of p_map), and the shard of each id of the instance
 * filter. Every shard, or with an instance filter only the shards holding one of its instances
 * (the others hold none of their events, and would refuse the ids as unknown, ES002). An empty
 * filter goes to every shard, which refuses it (ES006) as one server does.
 */
CREATE OR REPLACE FUNCTION event_store._feed_targets(
    p_map          text,
    p_parts        text[],
    p_instance_ids text[]
)
    RETURNS TABLE (partitions integer[], shards integer[], parts text[], instance_shards integer[])
    LANGUAGE sql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
    SELECT array_agg(k.partition_no ORDER BY k.shard), array_agg(k.shard ORDER BY k.shard),
           array_agg(p_parts[k.shard + 1] ORDER BY k.shard),
           ARRAY(SELECT event_store._shard_of(p_map, i) FROM unnest(p_instance_ids) WITH ORDINALITY u(i, n) ORDER BY n)
      FROM (SELECT strpos('0123456789abcdef', substr(p_map, n + 1, 1)) - 1 AS shard, n AS partition_no,
                   row_number() OVER (PARTITION BY substr(p_map, n + 1, 1) ORDER BY n) AS nth
              FROM generate_series(0, 15) n) k
     WHERE k.nth = 1
       AND (p_instance_ids IS NULL OR cardinality(p_instance_ids) = 0
            OR k.shard IN (SELECT event_store._shard_of(p_map, i) FROM unnest(p_instance_ids) i))
$$;

COMMENT ON FUNCTION event_store._feed_targets(text, text[], text[]) IS
    'Internal: the shards a feed call with this instance filter runs on, as arrays in shard order (partition '
    'reaching each, shard, its part of the cursor) and the shard of each filter id.';

REVOKE ALL ON FUNCTION event_store._feed_targets(text, text[], text[]) FROM PUBLIC;

COMMIT;
