-- Deploy supervisor_event_store_proxy:functions/_shard_map to pg
-- requires: servers/event_store_shards

BEGIN;

/*
 * The shard layout of the partition map, as 16 hex digits: digit p is the shard of partition p.
 * A shard is a distinct connection string among p0..p15 (PL/Proxy opens one connection per
 * distinct string), numbered in the order of its first partition: configure_shards' map
 * "partition p -> shard p % n" reads 0101010101010101 for 2 shards. The change feed's cursors
 * through the proxy hold one position per shard in this order and carry the layout, so a cursor
 * is refused once the map has changed shape. SECURITY DEFINER: the server's options are the
 * owner's to read.
 */
CREATE OR REPLACE FUNCTION event_store._shard_map()
    RETURNS text
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
    SELECT pg_catalog.string_agg(pg_catalog.to_hex(m.shard), '' ORDER BY m.partition_no)
      FROM (SELECT p.partition_no,
                   (pg_catalog.dense_rank() OVER (ORDER BY p.first_partition) - 1)::int AS shard
              FROM (SELECT substr(o.option_name, 2)::int AS partition_no,
                           min(substr(o.option_name, 2)::int) OVER (PARTITION BY o.option_value) AS first_partition
                      FROM pg_catalog.pg_foreign_server s
                     CROSS JOIN LATERAL pg_catalog.pg_options_to_table(s.srvoptions) o
                     WHERE s.srvname = 'event_store_shards' AND o.option_name ~ '^p[0-9]+$') p) m
$$;

COMMENT ON FUNCTION event_store._shard_map() IS
    'Internal: the shard of each of the 16 partitions, as 16 hex digits (shards = distinct connection strings, '
    'numbered by their first partition).';

REVOKE ALL ON FUNCTION event_store._shard_map() FROM PUBLIC;

COMMIT;
