-- Deploy supervisor_event_store_proxy:functions/_feed_parts to pg
-- requires: functions/_feed_vector

BEGIN;

/*
 * Decodes a proxy cursor (_feed_vector) into its shard cursors, one per shard of p_map, in shard
 * order: NULL for a shard's beginning, '*' for no position there. A NULL cursor is every shard's
 * beginning. p_tag: the kind expected (s1: a feed position; p1: a row of poll_subscription of the
 * subscription p_salt). p_whole: refuse '*' (a position is needed on every shard, to read from).
 * ES006 for anything else, saying what it is when it can: a cursor of one server (f1...), one of
 * the other kind, one of another shard layout, or not a cursor of this store at all.
 */
CREATE OR REPLACE FUNCTION event_store._feed_parts(
    p_cursor text,
    p_tag    text,
    p_map    text,
    p_salt   text,
    p_whole  boolean
)
    RETURNS text[]
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_n     integer := (SELECT count(DISTINCT c) FROM regexp_split_to_table(p_map, '') c);
    v_items text[] := string_to_array(p_cursor, ':');
    v_parts text[];
    v_body  text := regexp_replace(p_cursor, ':[^:]*$', '');
    v_shard integer;
BEGIN
    IF p_cursor IS NULL THEN
        RETURN array_fill(NULL::text, ARRAY[v_n]);
    END IF;
    IF p_cursor ~ '^f1\.' THEN
        RAISE EXCEPTION 'cursor "%" is a cursor of one server, not of the proxy', left(p_cursor, 80)
            USING ERRCODE = 'ES006',
                  HINT = 'Through the proxy, pass a cursor that the proxy returned (one position per shard); to move '
                         'a follower from one server to the proxy, start it from a time, e.g. '
                         'feed_cursor(''2026-12-01T10:00:00Z'').';
    END IF;
    IF v_items[1] = 'p1' AND p_tag = 's1' THEN
        RAISE EXCEPTION 'cursor "%" is a cursor of poll_subscription, not a position to read from', left(p_cursor, 80)
            USING ERRCODE = 'ES006',
                  HINT = 'Acknowledge it with ack_subscription; read_all, wait_for_events, feed_cursor and '
                         'create_subscription take the cursors of read_all, wait_for_events and feed_cursor.';
    END IF;
    IF v_items[1] = p_tag AND v_items[2] ~ '^[0-9a-f]{16}$' AND v_items[2] <> p_map
       AND v_items[cardinality(v_items)] = left(md5(v_body || coalesce(':' || p_salt, '')), 8) THEN
        RAISE EXCEPTION 'cursor "%" belongs to another shard layout', left(p_cursor, 80)
            USING ERRCODE = 'ES006',
                  DETAIL = format('The cursor''s partition map is %s (%s shards), the proxy''s is %s (%s shards).',
                                  v_items[2], cardinality(v_items) - 3, p_map, v_n),
                  HINT = 'A cursor holds one position per shard and does not survive a change of the partition '
                         'map: start again from a time (feed_cursor(''2026-12-01T10:00:00Z'')) or the beginning.';
    END IF;
    v_parts := v_items[3:v_n + 2];
    IF v_items[1] IS DISTINCT FROM p_tag OR cardinality(v_items) <> v_n + 3 OR v_items[2] <> p_map
       OR EXISTS (SELECT FROM unnest(v_parts) c
                   WHERE c !~ '^(f1\.[0-9]{1,20}\.[0-9]{1,19}\.[0-9a-f]{1,8}|\*)?$')
       OR v_items[v_n + 3] <> left(md5(v_body || coalesce(':' || p_salt, '')), 8) THEN
        IF p_tag = 'p1' THEN
            RAISE EXCEPTION 'cursor "%" is not a cursor that poll_subscription returned for subscription "%"',
                            left(p_cursor, 80), p_salt
                USING ERRCODE = 'ES006',
                      HINT = 'Acknowledge the cursor column of a row that poll_subscription returned to you '
                             'through this proxy, unchanged.';
        END IF;
        RAISE EXCEPTION 'invalid cursor "%": not a cursor of this event store', left(p_cursor, 80)
            USING ERRCODE = 'ES006',
                  HINT = 'Pass the cursor column of a row returned by read_all or wait_for_events through this '
                         'proxy, unchanged, or NULL to start from the beginning.';
    END IF;
    v_shard := array_position(v_parts, '*') - 1;
    IF p_whole AND v_shard IS NOT NULL THEN
        RAISE EXCEPTION 'cursor "%" has no position on shard %', left(p_cursor, 80), v_shard
            USING ERRCODE = 'ES006',
                  HINT = 'It is the checkpoint of a subscription that shard does not hold (its instance filter names '
                         'none of the shard''s instances): read from a cursor of read_all or feed_cursor instead.';
    END IF;
    RETURN ARRAY(SELECT nullif(c, '') FROM unnest(v_parts) WITH ORDINALITY u(c, n) ORDER BY n);
END
$$;

COMMENT ON FUNCTION event_store._feed_parts(text, text, text, text, boolean) IS
    'Internal: the shard cursors of a proxy cursor (NULL: a shard''s beginning, *: no position); NULL is the '
    'beginning everywhere. Errors: ES006 malformed, edited, of one server, of the other kind, of another shard layout.';

REVOKE ALL ON FUNCTION event_store._feed_parts(text, text, text, text, boolean) FROM PUBLIC;

COMMIT;
