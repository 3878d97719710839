-- Deploy supervisor_event_store:functions/_feed_cursor to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The opaque cursor of a change-feed position (feed_key, global_position): "f1.<key>.<position>.
 * <check>", where check is the first 8 hex digits of an md5 over the version, both numbers and
 * the database name, so a typo, an edited number or a cursor of another store is refused
 * (_feed_position, ES006) instead of silently reading from the wrong place. Not a secret: it
 * catches mistakes, not forgeries (a forged cursor can only skip events the caller may read).
 * LANGUAGE sql without SET or SECURITY DEFINER so it is inlined into read_all's query (one per
 * row); internal, and every name in it is qualified.
 */
CREATE OR REPLACE FUNCTION event_store._feed_cursor(
    p_feed_key        xid8,
    p_global_position bigint
)
    RETURNS text
    LANGUAGE sql
    STABLE
AS $$
    SELECT 'f1.' || p_feed_key::text || '.' || p_global_position::text || '.'
           || pg_catalog.left(pg_catalog.md5('f1.' || p_feed_key::text || '.' || p_global_position::text
                                             || '.' || pg_catalog.current_database()), 8)
$$;

COMMENT ON FUNCTION event_store._feed_cursor(xid8, bigint) IS
    'Internal: the opaque, checksummed cursor text of a change-feed position (feed_key, global_position).';

REVOKE ALL ON FUNCTION event_store._feed_cursor(xid8, bigint) FROM PUBLIC;

COMMIT;
