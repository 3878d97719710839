-- Deploy supervisor_event_store_proxy:remote/read_all to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: types/feed_row

BEGIN;

/*
 * Routing of read_all: the shard function on each shard of p_shards at once (SPLIT: shard k gets
 * its own element of p_shards and p_afters, reached by partition p_partitions[k]), each row with
 * its shard and its place in that shard's page. An instance filter reaches each shard as the ids
 * it holds (p_instance_shards: the shard of each id).
 */
CREATE OR REPLACE FUNCTION event_store_remote.read_all(
    p_partitions      integer[],
    p_shards          integer[],
    p_afters          text[],
    p_limit           integer,
    p_event_types     text[],
    p_instance_ids    text[],
    p_instance_shards integer[],
    p_project         text
)
    RETURNS SETOF event_store_remote.feed_row
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    SPLIT p_partitions, p_shards, p_afters;
    RUN ON p_partitions;
    SELECT s.shard, r.ord, r.event_id, r.instance_id, r.event_type, r.sequence_num, r."timestamp",
           r.event_data, r.metadata, r.created_at, r.updated_at, r.global_position, r.transaction_id, r.cursor
      FROM unnest(p_shards, p_afters) AS s(shard, after_cursor)
     CROSS JOIN LATERAL event_store.read_all(
           s.after_cursor, p_limit, p_event_types,
           CASE WHEN p_instance_ids IS NULL THEN NULL
                ELSE ARRAY(SELECT u.id FROM unnest(p_instance_ids, p_instance_shards) AS u(id, shard)
                            WHERE u.shard = s.shard) END,
           p_project)
           WITH ORDINALITY AS r(event_id, instance_id, event_type, sequence_num, "timestamp", event_data,
                                metadata, created_at, updated_at, global_position, transaction_id, cursor, ord);
$$;

COMMENT ON FUNCTION event_store_remote.read_all IS
    'Internal: event_store.read_all on each given shard after its own cursor, in parallel (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.read_all FROM PUBLIC;

COMMIT;
