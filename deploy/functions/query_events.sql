-- Deploy supervisor_event_store:functions/query_events to pg
-- requires: functions/query_events@v0.6.0
-- requires: functions/_keyword_terms
-- requires: indexes/fleet_index_terms
-- requires: columns/fleet_type_counts_min_position
-- requires: indexes/fleet_index_type_time
-- requires: functions/_instance_head
-- requires: functions/_check_event_types
-- requires: functions/_search_text
-- requires: tables/fleet_index
-- requires: tables/projections
-- requires: indexes/events_instance_type_timestamp
-- requires: indexes/events_global_position
-- requires: indexes/events_feed_key
-- requires: roles/event_store_reader
-- requires: functions/_check_date_range

BEGIN;

/*
 * Events matching all given filters, one page, in sequence order (one instance) or
 * global_position order (all instances), each row carrying total_count, total_exact and
 * has_more (matches after this page).
 *
 * total_count, as search engines report hits (Elasticsearch's track_total_hits): exact up to
 * 10,000 matches (or offset + limit, when deeper), then that number as a lower bound with
 * total_exact false ("10,000+"), so a common filter over millions of events does not count them
 * all. p_exact_count => true always counts exactly (count_events does), with no latency bound.
 * The no-filter paths count from the stream heads and are always exact.
 *
 * Plans, chosen here rather than left to one generic plan (with filters the SQL is built per call
 * with format() and run with USING, so every call is planned for its own filters; the two
 * no-filter paths are static SQL):
 *   - one instance, no filter: sequence numbers are gap-free, so the page is a range of the
 *     (instance_id, sequence_num) index and total_count is the stream head: O(page) at any depth.
 *   - all instances, no filter: the page is read in global_position order from its index and
 *     total_count is the sum of the stream heads: O(instances + offset + page).
 *   - one instance with filters: the instance's rows of events (events_instance_type_timestamp_idx),
 *     or, with a keyword, the fleet projection as below (its trigram index with the instance key:
 *     2-3 ms on a small instance where scanning its rows and computing the text took 20+ ms).
 *   - all instances with filters: the fleet projection (tables/fleet_index: type, time and keyword
 *     text with their indexes, maintained off the write path by project_fleet) for the events up
 *     to its watermark, plus the events after the watermark read from events (a range of
 *     events_feed_key_idx, short while the projector keeps up). The two sets are disjoint and
 *     together are every event, read under one snapshot, so answers are exact and include events
 *     committed a moment ago whatever the projector's lag.
 * Both no-filter paths count with the heads. That is exact while events are written only by the
 * emit functions (which bump the head in the transaction that inserts) and removed only by
 * delete_events_for_instance (which resets it).
 * Keyword: the JSON-escaped lower(p_keyword) must be a literal substring of
 * _search_text(event_data, metadata) (the lower-cased values as a JSON array; fleet_index stores
 * it). LIKE, with %, _ and \ escaped, uses the trigram index of fleet_index. Across all instances the
 * keyword needs 3 or more characters (fewer cannot use the index).
 * A keyword with whole tokens inside it (_keyword_terms: 'start' and '17' in 'cold start (#17)')
 * reads fleet_index_terms_idx instead: the rows holding those tokens and their adjacent pairs,
 * a superset of the matches, checked with strpos (the same literal test as the LIKE, which the
 * trigram index cannot serve, so the planner does not AND it in). The trigram posting lists of
 * common words ('sta', 'art': millions of rows each) were the cost of such keywords: 342 ms at
 * 10M events for 1,268 candidates.
 * jit is off: JIT compilation (tens of ms) never pays for a page of at most 1,000 rows.
 * p_after_sequence (one instance only) is a filter: sequence_num > p_after_sequence; total_count
 * then counts the matches after it.
 * No backslash in any string literal (chr(92) instead): a session with standard_conforming_strings
 * off compiles this body with such literals read as escapes (issue 10: 42601 for any keyword).
 * A keyword or types across all instances read their matches in two bounded passes (see the
 * body): reading, rechecking and sorting every match was the cost (a common word at 10M: 57k
 * rows, 644 ms; a common type: 3M, 790 ms).
 */
CREATE OR REPLACE FUNCTION event_store.query_events(
    p_instance_id    text        DEFAULT NULL,
    p_event_types    text[]      DEFAULT NULL,
    p_start_date     timestamptz DEFAULT NULL,
    p_end_date       timestamptz DEFAULT NULL,
    p_keyword        text        DEFAULT NULL,
    p_limit          int         DEFAULT 100,
    p_offset         int         DEFAULT 0,
    p_after_sequence bigint      DEFAULT NULL,
    p_exact_count    boolean     DEFAULT false
)
    RETURNS TABLE (event_id uuid, instance_id text, event_type text, sequence_num bigint,
                   "timestamp" timestamptz, event_data jsonb, metadata jsonb, created_at timestamptz,
                   updated_at timestamptz, global_position bigint, transaction_id xid8,
                   total_count bigint, has_more boolean, total_exact boolean)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
    SET jit = off
AS $$
DECLARE
    v_head    bigint;
    v_after   bigint := coalesce(p_after_sequence, 0);
    v_kw      text := nullif(lower(p_keyword), '');
    v_kw_json text;
    v_like    text;
    v_where   text := '';     -- the filters, on alias e (events) ...
    v_fwhere  text := '';     -- ... and on alias f (fleet_index)
    v_exact   text;
    v_fleet   boolean;
    v_matches text;
    v_cap     bigint;
    v_total   bigint;
    v_seqscan text;
    v_mark_key xid8;
    v_mark_pos bigint;
    v_keys    bigint[];   -- two passes: the first v_cap + 1 matches found, then the page's keys
    v_found   bigint;
    v_bound   bigint;
    v_idxscan text;
    v_terms   text[];     -- the keyword's whole tokens and pairs, for fleet_index_terms_idx
    v_hour_lo timestamptz;  -- the second pass's hours (fleet_type_counts.min_global_position)
    v_hour_hi timestamptz;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'invalid limit %: must be between 1 and 1000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Page through more events with p_offset or p_after_sequence.';
    END IF;
    IF p_offset IS NULL OR p_offset < 0 THEN
        RAISE EXCEPTION 'invalid offset %: must be 0 or more', coalesce(p_offset::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Pass 0 for the first page.';
    END IF;
    IF p_after_sequence < 0 THEN
        RAISE EXCEPTION 'invalid after_sequence %: must be 0 or more', p_after_sequence
            USING ERRCODE = 'ES006', HINT = 'Pass the last sequence_num of the previous page, or NULL.';
    END IF;
    PERFORM event_store._check_date_range(p_start_date, p_end_date);
    IF p_event_types IS NOT NULL THEN
        PERFORM event_store._check_event_types(p_event_types);
        v_where := v_where || ' AND e.event_type = ANY ($2)';
    END IF;
    IF p_start_date IS NOT NULL THEN
        v_where := v_where || ' AND e."timestamp" >= $3';
    END IF;
    IF p_end_date IS NOT NULL THEN
        v_where := v_where || ' AND e."timestamp" <= $4';
    END IF;

    IF p_instance_id IS NULL THEN
        IF p_after_sequence IS NOT NULL THEN
            RAISE EXCEPTION 'after_sequence needs an instance_id'
                USING ERRCODE = 'ES006',
                      HINT = 'Sequence numbers are per instance: pass p_instance_id, or page with p_offset.';
        END IF;
        IF length(v_kw) < 3 THEN
            RAISE EXCEPTION 'keyword "%" is too short to search all instances: use 3 or more characters', p_keyword
                USING ERRCODE = 'ES006', HINT = 'Lengthen the keyword, or pass p_instance_id to search one instance.';
        END IF;
    ELSE
        v_head := event_store._instance_head(p_instance_id);
        v_where := ' AND e.instance_id = $1' || v_where;
        IF p_after_sequence IS NOT NULL THEN
            v_where := v_where || ' AND e.sequence_num > $8';
        END IF;
    END IF;

    IF p_instance_id IS NOT NULL AND v_where = ' AND e.instance_id = $1' AND v_kw IS NULL THEN
        -- One instance, no filter: the head counts the matches, the page is a key range.
        v_total := greatest(v_head - v_after, 0);
        RETURN QUERY
        SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
               e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
               v_total, v_total > p_offset::bigint + p_limit, true
          FROM event_store.events e
         WHERE e.instance_id = p_instance_id
           AND e.sequence_num > v_after + p_offset AND e.sequence_num <= v_after + p_offset + p_limit
         ORDER BY e.sequence_num;
        RETURN;
    END IF;

    IF p_instance_id IS NULL AND v_where = '' AND v_kw IS NULL THEN
        -- All instances, no filter: the heads count the events, the index gives the page.
        SELECT coalesce(sum(i.last_sequence_num), 0) INTO v_total FROM event_store.instances i;
        RETURN QUERY
        SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
               e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
               v_total, v_total > p_offset::bigint + p_limit, true
          FROM event_store.events e
         ORDER BY e.global_position
         LIMIT p_limit OFFSET p_offset;
        RETURN;
    END IF;

    -- The projection for every fleet-wide filter, and for a keyword on a large instance.
    v_fleet := p_instance_id IS NULL OR v_kw IS NOT NULL;
    v_fwhere := replace(v_where, ' e.', ' f.');     -- the same filters on fleet_index's columns

    IF v_kw IS NOT NULL THEN
        v_kw_json := to_jsonb(v_kw)::text;
        v_kw_json := substr(v_kw_json, 2, length(v_kw_json) - 2);       -- JSON-escaped, unquoted
        -- chr(92) is the backslash: no backslash in a literal, whatever standard_conforming_strings says.
        v_like := '%' || replace(replace(replace(v_kw_json, chr(92), chr(92) || chr(92)), '%', chr(92) || '%'),
                                 '_', chr(92) || '_') || '%';
        v_where := v_where || ' AND event_store._search_text(e.event_data, e.metadata) LIKE $7';
        v_terms := event_store._keyword_terms(v_kw_json);
        IF v_terms IS NULL THEN
            v_fwhere := v_fwhere || ' AND f.search_text LIKE $7';
        ELSE
            v_fwhere := v_fwhere || ' AND event_store._search_terms(f.search_text) @> $15 AND strpos(f.search_text, $6) > 0';
        END IF;
        -- The match above runs on JSON text, so it is only a prefilter where that text is not the
        -- values themselves: a keyword with ',', '[' or ']', or one that starts with a space, can
        -- match the array's punctuation (the values are separated by ', ': a space inside a
        -- keyword matches there only after its comma, and a leading one before the next value,
        -- ' 17' in '["x", 17]'; quotes are escaped in the keyword, so never match the array's),
        -- and any row holding an escape (\t, \n, \", \\) can match across it ('tbug' in
        -- "fix\tbug"). Those rows are checked value by value, literally. Rows with an escape are
        -- found on the stored JSON (a backslash in event_data::text or metadata::text, keys
        -- included: a superset), or on fleet_index's search_text (exactly). (Every keyword with a
        -- space was checked value by value before: 'cold start (#37)' at 10M, 1,600 rows, 160 ms.)
        v_exact := 'EXISTS (SELECT FROM jsonb_path_query(jsonb_build_array(%1$s.event_data, %1$s.metadata), ''strict $.**'') v'
                   || ' WHERE jsonb_typeof(v) NOT IN (''object'', ''array'', ''null'')'
                   || ' AND strpos(lower(v #>> ''{}''), $5) > 0)';
        IF v_kw ~ '[],[]' OR left(v_kw, 1) = ' ' THEN
            v_where := v_where || ' AND ' || format(v_exact, 'e');
            v_fwhere := v_fwhere || ' AND EXISTS (SELECT FROM event_store.events x WHERE x.global_position = f.global_position'
                                 || ' AND ' || format(v_exact, 'x') || ')';
        ELSE
            v_where := v_where || ' AND (strpos(e.event_data::text || e.metadata::text, chr(92)) = 0 OR '
                               || format(v_exact, 'e') || ')';
            v_fwhere := v_fwhere || ' AND (strpos(f.search_text, chr(92)) = 0 OR EXISTS (SELECT FROM event_store.events x'
                                 || ' WHERE x.global_position = f.global_position AND ' || format(v_exact, 'x') || '))';
        END IF;
    END IF;

    -- The keys of every match (sequence_num for one instance, global_position for all). The
    -- watermark is read first and passed as values, so the events after it are planned as the
    -- short range of events_feed_key_idx they are (joined to projections, the planner scanned
    -- the instance's whole history instead). This function is STABLE: every statement in it,
    -- EXECUTE included, reads the caller's snapshot, so the watermark and the rows agree.
    IF v_fleet THEN
        SELECT w.feed_key, w.global_position INTO v_mark_key, v_mark_pos
          FROM event_store.projections w WHERE w.projection_name = 'fleet_index';
        -- /*fleet*/ marks where a pass adds to fleet_index's part (replace(), below).
        v_matches := format(
            '((SELECT f.%1$s AS k FROM event_store.fleet_index f WHERE true %2$s /*fleet*/)
              UNION ALL
              (SELECT e.%1$s FROM event_store.events e
                WHERE (e.feed_key, e.global_position) > ($12, $13) %3$s))',
            CASE WHEN p_instance_id IS NULL THEN 'global_position' ELSE 'sequence_num' END, v_fwhere, v_where);
        IF v_kw IS NOT NULL THEN
            -- Keep the keyword on the trigram index: the planner, once ANALYZE knows a keyword is
            -- common, prefers a sequential scan of the whole projection.
            v_seqscan := current_setting('enable_seqscan');
            PERFORM pg_catalog.set_config('enable_seqscan', 'off', true);
        END IF;
    ELSE
        v_matches := format('(SELECT e.sequence_num AS k FROM event_store.events e WHERE true %s)', v_where);
    END IF;
    v_cap := CASE WHEN p_exact_count THEN NULL ELSE greatest(10000, p_offset::bigint + p_limit) END;

    IF p_instance_id IS NULL AND v_cap IS NOT NULL THEN
        /*
         * A keyword, types or dates across all instances: two bounded passes instead of every match.
         * The first takes the first v_cap + 1 matches in whatever order its scan meets them and
         * stops: if there are no more, they are all the matches; if there are, the page (the
         * first offset + limit in global order) lies at or below the (offset + limit)-th
         * smallest of them, and the second pass, bounded by that key, finds it.
         *   - A keyword: what costs is visiting the row of every trigram match to recheck it
         *     (one page each: a common word at 10M, 57k pages, 644 ms). The bitmap scan meets
         *     them in heap order, and fleet_index is appended in feed order, so few lie below
         *     the bound. Index scans are off for both passes: an ordered walk of fleet_index in
         *     global order, which the planner may take for a LIMIT, reads every row up to there.
         *   - Types (and dates): fleet_index_type_idx meets a type's events in global order,
         *     fleet_index_type_time_idx in time order; either way not all of them are read and
         *     sorted (a common type at 10M: 3M events, 790 ms). OFFSET 0 keeps the second pass
         *     on the first pass's index, filtered by the bound, rather than a walk of the
         *     global_position index up to it.
         *   - Dates alone: the first pass reads fleet_index_timestamp_idx in time order (in
         *     global order, the planner may walk everything before the range).
         * Without a keyword, the second pass reads only the span of hours from the first to the
         * last that can hold a position at or below the bound: fleet_type_counts.min_global_position
         * is a lower bound of each type and hour's positions, so an hour whose bound is above it
         * holds no event of the page.
         * Positions grow with time, so that is an hour or two of a range, not all of it (two
         * common types over 3 days at 10M: 40,000 index entries read and filtered before).
         * The events after the watermark are not in the rollup and are read whole (they are few).
         */
        IF v_kw IS NOT NULL THEN
            v_idxscan := current_setting('enable_indexscan');
            PERFORM pg_catalog.set_config('enable_indexscan', 'off', true);
        END IF;
        EXECUTE format('SELECT array_agg(c.k) FROM (SELECT m.k FROM %s m LIMIT $11 + 1) c',
                       replace(v_matches, '/*fleet*/',
                               CASE WHEN v_kw IS NULL AND p_event_types IS NULL
                                    THEN 'ORDER BY f."timestamp" LIMIT $11 + 1' ELSE '' END))
           INTO v_keys
          USING p_instance_id, p_event_types, p_start_date, p_end_date, v_kw, v_kw_json, v_like,
                p_after_sequence, p_limit, p_offset, v_cap, v_mark_key, v_mark_pos, v_bound, v_terms,
                v_hour_lo, v_hour_hi;
        v_found := coalesce(cardinality(v_keys), 0);
        IF v_found > v_cap THEN
            SELECT u.k INTO v_bound FROM unnest(v_keys) u(k) ORDER BY u.k OFFSET p_offset + p_limit - 1 LIMIT 1;
            IF v_kw IS NULL THEN
                -- The hours that may hold a position at or below the bound (NULL: none).
                SELECT min(c.hour), max(c.hour) + interval '1 hour' INTO v_hour_lo, v_hour_hi
                  FROM event_store.fleet_type_counts c
                 WHERE (p_event_types IS NULL OR c.event_type = ANY (p_event_types))
                   AND (p_start_date IS NULL OR c.hour > p_start_date - interval '1 hour')
                   AND (p_end_date IS NULL OR c.hour <= p_end_date)
                   AND (c.min_global_position IS NULL OR c.min_global_position <= v_bound);
            END IF;
            EXECUTE format('SELECT array_agg(c.k) FROM (SELECT b.k FROM (SELECT m.k FROM %s m WHERE m.k <= $14 OFFSET 0) b'
                           ' ORDER BY b.k LIMIT $9 + $10) c',
                           replace(v_matches, '/*fleet*/',
                                   CASE WHEN v_kw IS NULL THEN 'AND f."timestamp" >= $16 AND f."timestamp" < $17' ELSE '' END))
               INTO v_keys
              USING p_instance_id, p_event_types, p_start_date, p_end_date, v_kw, v_kw_json, v_like,
                    p_after_sequence, p_limit, p_offset, v_cap, v_mark_key, v_mark_pos, v_bound, v_terms,
                    v_hour_lo, v_hour_hi;
        END IF;
        IF v_kw IS NOT NULL THEN
            PERFORM pg_catalog.set_config('enable_indexscan', v_idxscan, true);
            PERFORM pg_catalog.set_config('enable_seqscan', v_seqscan, true);
        END IF;
        RETURN QUERY
        SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
               e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
               least(v_found, v_cap), v_found > p_offset::bigint + p_limit, v_found <= v_cap
          FROM (SELECT u.k FROM unnest(v_keys) u(k) ORDER BY u.k LIMIT p_limit OFFSET p_offset) p
          JOIN event_store.events e ON e.global_position = p.k
         ORDER BY p.k;
        RETURN;
    END IF;

    -- The matches are found once (m, MATERIALIZED: the count and the page both read them; written
    -- twice, the trigram or instance scan ran twice), counted up to v_cap + 1, and the page is the
    -- first offset + limit keys in order. t is MATERIALIZED too: inlined, the planner may put the
    -- count on the inner side of a nested loop and run it again for every row of the page.
    RETURN QUERY EXECUTE format(
        'WITH m AS MATERIALIZED %1$s,
              t AS MATERIALIZED (SELECT count(*) AS n FROM (SELECT FROM m LIMIT $11 + 1) c),
              p AS (SELECT m.k FROM m ORDER BY m.k LIMIT $9 OFFSET $10)
         SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
                e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
                CASE WHEN t.n > $11 THEN $11 ELSE t.n END, t.n > $10::bigint + $9, t.n <= $11 OR $11 IS NULL
           FROM p JOIN event_store.events e ON %2$s CROSS JOIN t
          ORDER BY p.k',
        v_matches,
        CASE WHEN p_instance_id IS NULL THEN 'e.global_position = p.k'
             ELSE 'e.instance_id = $1 AND e.sequence_num = p.k' END)
    USING p_instance_id, p_event_types, p_start_date, p_end_date, v_kw, v_kw_json, v_like,
          p_after_sequence, p_limit, p_offset, v_cap, v_mark_key, v_mark_pos, v_bound, v_terms,
          v_hour_lo, v_hour_hi;
    IF v_seqscan IS NOT NULL THEN
        PERFORM pg_catalog.set_config('enable_seqscan', v_seqscan, true);
    END IF;
END
$$;

COMMENT ON FUNCTION event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean) IS
    'Events matching every given filter, one page: p_instance_id (NULL = all instances), p_event_types '
    '(registered types), p_start_date/p_end_date (inclusive), p_keyword (case-insensitive literal '
    'substring of data or metadata values; 3+ characters across all instances), p_limit 1-1000, '
    'p_offset >= 0, p_after_sequence (one instance: keyset paging, sequence_num > it), p_exact_count. '
    'Rows in sequence order (global_position across instances) with total_count, total_exact and has_more: '
    'total_count is exact up to 10,000 matches (or offset + limit), beyond that a lower bound with '
    'total_exact false, unless p_exact_count. Errors: ES001 unknown event type, ES002 unknown instance, '
    'ES006 invalid argument.';

REVOKE ALL ON FUNCTION event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)
    TO event_store_reader;

COMMIT;
