-- Deploy supervisor_event_store_proxy:functions/_feed_vector to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The opaque cursor of a position in the change feed through the proxy: one shard cursor per
 * shard, in shard order (_shard_map), as "<tag>:<map>:<c0>:<c1>:...:<check>":
 * - tag: s1 for a feed position (read_all, wait_for_events, feed_cursor, checkpoints), p1 for a
 *   row of poll_subscription (what ack_subscription takes; its check mixes in the subscription
 *   name, so a read_all cursor or another subscription's is refused there);
 * - map: the 16-digit shard map the positions belong to (a cursor is refused on another layout);
 * - c<k>: shard k's own cursor (f1...., checked by that shard), empty for its beginning, "*" for
 *   no position there (a poll batch without rows of that shard; a subscription the shard does
 *   not hold);
 * - check: the first 8 hex digits of the md5 of the rest (and of p_salt), which catches edits,
 *   truncation and mixed-up parts, not forgeries (as the shards' cursors).
 * LANGUAGE sql without SET, so that it is inlined where it is called once per row (_feed_merge);
 * internal, and every name in it is qualified.
 * p_parts: NULL elements are the shard's beginning; so is a shard cursor of position (0, 0)
 * (f1.0.0.<check>: a checkpoint created from the beginning), written empty too, so that a cursor
 * has one form: a subscription created from 'beginning' has feed_cursor('beginning') as checkpoint.
 */
CREATE OR REPLACE FUNCTION event_store._feed_vector(
    p_tag   text,
    p_map   text,
    p_parts text[],
    p_salt  text DEFAULT NULL
)
    RETURNS text
    LANGUAGE sql
    IMMUTABLE
AS $$
    SELECT v.body || ':' || pg_catalog.left(pg_catalog.md5(v.body || coalesce(':' || p_salt, '')), 8)
      FROM (SELECT p_tag || ':' || p_map || ':'
                   || pg_catalog.array_to_string(
                          ARRAY(SELECT pg_catalog.regexp_replace(u.c, '^f1\.0\.0\.[0-9a-f]+$', '')
                                  FROM pg_catalog.unnest(p_parts) WITH ORDINALITY u(c, n) ORDER BY u.n),
                          ':', '') AS body) v
$$;

COMMENT ON FUNCTION event_store._feed_vector(text, text, text[], text) IS
    'Internal: the opaque proxy cursor (tag, shard map, one shard cursor per shard, check) of a vector of shard cursors.';

REVOKE ALL ON FUNCTION event_store._feed_vector(text, text, text[], text) FROM PUBLIC;

COMMIT;
