-- Deploy supervisor_event_store:functions/_feed_cursor to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The opaque cursor of a change-feed position (feed_key, global_position):
 * "f1.<key>.<position>.<check>", where check (hex) mixes both numbers with a hash of the
 * database name, so a typo, an edited number or a cursor of another store is refused
 * (_feed_position, ES006) instead of silently reading from the wrong place. Not a secret: it
 * catches mistakes, not forgeries (a forged cursor can only skip events the caller may read).
 * Arithmetic, not a digest per row: md5 per row cost ~2 us, 4x the index scan of a page
 * (docs/benchmarks.md). p_salt: the database name's hash (the first 28 bits of its md5), which
 * a caller that makes many cursors computes once and passes (_feed_page); NULL computes it.
 * LANGUAGE sql without SET or SECURITY DEFINER so it is inlined into read_all's query (one per
 * row); internal, and every name in it is qualified.
 */
CREATE OR REPLACE FUNCTION event_store._feed_cursor(
    p_feed_key        xid8,
    p_global_position bigint,
    p_salt            bigint DEFAULT NULL
)
    RETURNS text
    LANGUAGE sql
    STABLE
AS $$
    SELECT 'f1.' || p_feed_key::text || '.' || p_global_position::text || '.'
           || pg_catalog.to_hex(((p_feed_key::text::numeric % 1000003)::bigint * 7919
                                 + (p_global_position % 1000033) * 104729
                                 + coalesce(p_salt, ('x' || pg_catalog.left(pg_catalog.md5(pg_catalog.current_database()), 7))::bit(28)::bigint))
                                % 4294967291)
$$;

COMMENT ON FUNCTION event_store._feed_cursor(xid8, bigint, bigint) IS
    'Internal: the opaque, checksummed cursor text of a change-feed position (feed_key, global_position).';

REVOKE ALL ON FUNCTION event_store._feed_cursor(xid8, bigint, bigint) FROM PUBLIC;

COMMIT;
