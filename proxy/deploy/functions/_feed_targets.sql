-- Deploy supervisor_event_store_proxy:functions/_feed_targets to pg
-- requires: functions/_shard_of

BEGIN;

/*
 * The shards a change-feed call runs on, each with the partition that PL/Proxy reaches it by (its
 * first): every shard, or with an instance filter only the shards holding one of its instances (the
 * others hold none of their events, and would refuse the ids as unknown, ES002). An empty filter
 * goes to every shard, which refuses it (ES006) as one server does.
 */
CREATE OR REPLACE FUNCTION event_store._feed_targets(
    p_map          text,
    p_instance_ids text[]
)
    RETURNS TABLE (shard integer, partition_no integer)
    LANGUAGE sql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
    SELECT k.shard, k.partition_no
      FROM (SELECT strpos('0123456789abcdef', substr(p_map, n + 1, 1)) - 1 AS shard, n AS partition_no,
                   row_number() OVER (PARTITION BY substr(p_map, n + 1, 1) ORDER BY n) AS nth
              FROM generate_series(0, 15) n) k
     WHERE k.nth = 1
       AND (p_instance_ids IS NULL OR cardinality(p_instance_ids) = 0
            OR k.shard IN (SELECT event_store._shard_of(p_map, i) FROM unnest(p_instance_ids) i))
     ORDER BY k.shard
$$;

COMMENT ON FUNCTION event_store._feed_targets(text, text[]) IS
    'Internal: the shards (and the partition reaching each) that a feed call with this instance filter runs on.';

REVOKE ALL ON FUNCTION event_store._feed_targets(text, text[]) FROM PUBLIC;

COMMIT;
