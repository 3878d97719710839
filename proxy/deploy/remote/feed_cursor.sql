-- Deploy supervisor_event_store_proxy:remote/feed_cursor to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards

BEGIN;

/* Routing of feed_cursor: the shard function on each shard of p_shards at once (SPLIT, as remote/read_all), with its shard. */
CREATE OR REPLACE FUNCTION event_store_remote.feed_cursor(
    p_partitions integer[],
    p_shards     integer[],
    p_start_from text
)
    RETURNS TABLE (shard integer, cursor text)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    SPLIT p_partitions, p_shards;
    RUN ON p_partitions;
    SELECT s.shard, event_store.feed_cursor(p_start_from) AS cursor
      FROM unnest(p_shards) AS s(shard);
$$;

COMMENT ON FUNCTION event_store_remote.feed_cursor IS
    'Internal: event_store.feed_cursor on each given shard, in parallel (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.feed_cursor FROM PUBLIC;

COMMIT;
