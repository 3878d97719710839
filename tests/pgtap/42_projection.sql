-- The fleet projection (issue 12): project_fleet and run_projector (signatures, privileges,
-- ES006), and the readers' contract: query_events across all instances with any filter, with a
-- keyword on an instance of more than 2,000 events, count_events and aggregate_events_by_type for
-- the fleet give the same answers as the events table before any projection, with the projector
-- half-way, after a reset and after it has caught up; total_count is exact up to 10,000 matches.
--
-- How this file gets events that project_fleet may apply. It applies only events whose feed_key
-- is below the feed's horizon, pg_snapshot_xmin(pg_current_snapshot()), and inside this one
-- transaction the horizon is at most our own transaction id: an event emitted here gets our id
-- as feed_key, so project_fleet never sees it (40_feed.sql meets the same limit). So:
--   - the events the projector applies are inserted directly, as the owner (as 30_query.sql
--     inserts q-dates), with feed keys below the horizon taken at the start, increasing along
--     each instance's sequence and interleaving the instances (feed order is not global order),
--     and timestamps to the second (so date ranges fall on and between UTC hours);
--   - a few events are emitted through the API here (instance p-PS-live), and the file asserts
--     that project_fleet never applies them while every reader still returns them (they are after
--     the watermark: readers take them from events).
-- Everything rolls back. Committed events, concurrency and run_projector's loop (it commits, so
-- it cannot run inside a transaction block) are tested in tests/python/test_projection.py.
BEGIN;
SELECT plan(231);

-- Signatures, definer, privileges
SELECT has_function('event_store', 'project_fleet', ARRAY['integer']);
SELECT function_returns('event_store', 'project_fleet', ARRAY['integer'], 'integer');
SELECT is_definer('event_store', 'project_fleet', ARRAY['integer']);
SELECT is((SELECT pg_get_function_arg_default(p.oid, 1) FROM pg_proc p WHERE p.oid = 'event_store.project_fleet(int)'::regprocedure),
          '1000', 'project_fleet takes 1,000 events by default');
SELECT has_function('event_store', 'run_projector', ARRAY['integer', 'integer']);
SELECT is_procedure('event_store', 'run_projector', ARRAY['integer', 'integer']);
SELECT isnt_definer('event_store', 'run_projector', ARRAY['integer', 'integer']);
SELECT is((SELECT string_agg(pg_get_function_arg_default(p.oid, n), ' ' ORDER BY n)
             FROM pg_proc p, generate_series(1, 2) n WHERE p.oid = 'event_store.run_projector(int, int)'::regprocedure),
          '50 50', 'run_projector runs 50 s, idling 50 ms, by default');
SELECT function_privs_are('event_store', 'project_fleet', ARRAY['integer'], 'event_store_reader', '{}'::text[]);
SELECT function_privs_are('event_store', 'project_fleet', ARRAY['integer'], 'event_store_writer', '{}'::text[]);
SELECT function_privs_are('event_store', 'project_fleet', ARRAY['integer'], 'event_store_admin', ARRAY['EXECUTE']);
SELECT function_privs_are('event_store', 'run_projector', ARRAY['integer', 'integer'], 'event_store_reader', '{}'::text[]);
SELECT function_privs_are('event_store', 'run_projector', ARRAY['integer', 'integer'], 'event_store_writer', '{}'::text[]);
SELECT function_privs_are('event_store', 'run_projector', ARRAY['integer', 'integer'], 'event_store_admin', ARRAY['EXECUTE']);
SELECT ok(NOT has_function_privilege('public', 'event_store.project_fleet(int)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'event_store.run_projector(int, int)', 'EXECUTE'),
          'PUBLIC executes neither');
SELECT is(array_agg(t ORDER BY t), NULL, 'no role reads or writes the projection''s tables directly')
  FROM unnest(ARRAY['event_store.fleet_index', 'event_store.fleet_type_counts', 'event_store.projections']) t,
       unnest(ARRAY['event_store_reader', 'event_store_writer', 'event_store_admin']) r
 WHERE has_table_privilege(r, t, 'SELECT, INSERT, UPDATE, DELETE');

-- The same through SET ROLE (the procedure runs as its caller: the admin needs, and has, EXECUTE on
-- project_fleet; inside a transaction block its first COMMIT fails with 2D000, as documented).
SET LOCAL ROLE event_store_reader;
SELECT throws_ok($$SELECT event_store.project_fleet()$$, '42501', NULL, 'a reader cannot project');
RESET ROLE;
SET LOCAL ROLE event_store_writer;
SELECT throws_ok($$SELECT event_store.project_fleet()$$, '42501', NULL, 'a writer cannot project');
SELECT throws_ok($$CALL event_store.run_projector(1, 1)$$, '42501', NULL, 'a writer cannot run the projector');
RESET ROLE;
SET LOCAL ROLE event_store_admin;
SELECT lives_ok($$SELECT event_store.project_fleet(100000)$$, 'the admin projects');
SELECT throws_ok($$CALL event_store.run_projector(1, 1)$$, '2D000', NULL,
                 'the admin runs the projector, which cannot commit inside a transaction block (2D000)');
RESET ROLE;

-- Bad arguments are ES006.
SELECT throws_ok($$SELECT event_store.project_fleet(0)$$, 'ES006', 'invalid limit 0: must be between 1 and 100000',
                 'project_fleet: limit 0 is ES006');
SELECT throws_ok($$SELECT event_store.project_fleet(-5)$$, 'ES006', NULL, 'project_fleet: a negative limit is ES006');
SELECT throws_ok($$SELECT event_store.project_fleet(100001)$$, 'ES006', NULL, 'project_fleet: limit 100001 is ES006');
SELECT throws_ok($$SELECT event_store.project_fleet(NULL)$$, 'ES006', NULL, 'project_fleet: limit NULL is ES006');
SELECT throws_ok($$CALL event_store.run_projector(0)$$, 'ES006', 'invalid seconds 0: must be between 1 and 3600',
                 'run_projector: 0 seconds is ES006');
SELECT throws_ok($$CALL event_store.run_projector(3601)$$, 'ES006', NULL, 'run_projector: 3601 seconds is ES006');
SELECT throws_ok($$CALL event_store.run_projector(NULL)$$, 'ES006', NULL, 'run_projector: NULL seconds is ES006');
SELECT throws_ok($$CALL event_store.run_projector(1, 0)$$, 'ES006', 'invalid idle_ms 0: must be between 1 and 10000',
                 'run_projector: idle 0 ms is ES006');
SELECT throws_ok($$CALL event_store.run_projector(1, 10001)$$, 'ES006', NULL, 'run_projector: idle 10001 ms is ES006');
SELECT throws_ok($$CALL event_store.run_projector(1, NULL)$$, 'ES006', NULL, 'run_projector: idle NULL is ES006');

-- Helpers. project_all: project_fleet until it returns 0; the sum.
\ir helpers/project_all.sql

-- Anything committed before this file (nothing, on the freshly deployed test database) is applied
-- first: the watermark, its count and the horizon here are where this file's events start.
CREATE TEMP TABLE drained AS SELECT pg_temp.project_all() AS n;
CREATE TEMP TABLE w0 AS
SELECT p.feed_key, p.global_position, p.events_projected, pg_snapshot_xmin(pg_current_snapshot()) AS horizon
  FROM event_store.projections p WHERE p.projection_name = 'fleet_index';
SELECT ok((SELECT w0.feed_key < w0.horizon FROM w0), 'the watermark is below the horizon');

-- pg_temp.fk(n): the n-th feed key after the watermark, never reaching the horizon (all n from
-- there on share the last key below it).
CREATE FUNCTION pg_temp.fk(p_n bigint) RETURNS xid8 LANGUAGE sql STABLE AS $$
    SELECT (w.feed_key::text::numeric
            + least(p_n, w.horizon::text::numeric - w.feed_key::text::numeric - 1))::text::xid8
      FROM w0 w
$$;

-- The watermark row and the projection's two tables against the events table.
CREATE FUNCTION pg_temp.mark() RETURNS TABLE (feed_key xid8, global_position bigint, events_projected bigint)
LANGUAGE sql STABLE AS $$
    SELECT p.feed_key, p.global_position, p.events_projected FROM event_store.projections p
     WHERE p.projection_name = 'fleet_index'
$$;
-- Rows of fleet_index that are not exactly one event up to the watermark, and events up to the
-- watermark without exactly one row (each side's surplus, tagged).
CREATE FUNCTION pg_temp.index_diff()
RETURNS TABLE (side text, global_position bigint, feed_key xid8, instance_id text, sequence_num bigint,
               event_type text, "timestamp" timestamptz, search_text text)
LANGUAGE sql STABLE AS $$
    WITH f AS (SELECT f.global_position, f.feed_key, f.instance_id::text, f.sequence_num, f.event_type,
                      f."timestamp", f.search_text
                 FROM event_store.fleet_index f),
         e AS (SELECT e.global_position, e.feed_key, e.instance_id::text, e.sequence_num, e.event_type,
                      e."timestamp", event_store._search_text(e.event_data, e.metadata)
                 FROM event_store.events e, pg_temp.mark() m
                WHERE (e.feed_key, e.global_position) <= (m.feed_key, m.global_position))
    (SELECT 'fleet_index only', * FROM f EXCEPT ALL SELECT 'fleet_index only', * FROM e)
    UNION ALL
    (SELECT 'events only', * FROM e EXCEPT ALL SELECT 'events only', * FROM f)
$$;
-- fleet_type_counts against a GROUP BY (type, UTC hour) over the events up to the watermark.
CREATE FUNCTION pg_temp.counts_diff()
RETURNS TABLE (side text, event_type text, hour timestamptz, event_count bigint)
LANGUAGE sql STABLE AS $$
    WITH c AS (SELECT c.event_type, c.hour, c.event_count FROM event_store.fleet_type_counts c),
         e AS (SELECT e.event_type, date_trunc('hour', e."timestamp", 'UTC'), count(*)
                 FROM event_store.events e, pg_temp.mark() m
                WHERE (e.feed_key, e.global_position) <= (m.feed_key, m.global_position)
                GROUP BY 1, 2)
    (SELECT 'fleet_type_counts only', * FROM c EXCEPT ALL SELECT 'fleet_type_counts only', * FROM e)
    UNION ALL
    (SELECT 'events only', * FROM e EXCEPT ALL SELECT 'events only', * FROM c)
$$;

-- The questions asked at every stage (kind q: query_events, c: count_events, a: aggregate_events_by_type).
CREATE TEMP TABLE cases (
    label       text PRIMARY KEY,
    grp         text NOT NULL DEFAULT 'fixture',   -- fixture: asked at every stage; contract: total_count
    kind        text NOT NULL,
    instance_id text,
    types       text[],
    start_date  timestamptz,
    end_date    timestamptz,
    kw          text,
    lim         int NOT NULL DEFAULT 1000,
    off         int NOT NULL DEFAULT 0,
    after       bigint,
    exact       boolean NOT NULL DEFAULT false,
    expect      text          -- contract cases: 'total_count total_exact has_more rows' (t/f), or the count
);

-- What the reader answers: the page as [instance_id, sequence_num, global_position, total_count,
-- has_more, total_exact] in the order returned; the count; the aggregate rows in the order returned.
CREATE FUNCTION pg_temp.answer(c cases) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    IF c.kind = 'q' THEN
        RETURN (SELECT coalesce(jsonb_agg(jsonb_build_array(q.instance_id, q.sequence_num, q.global_position,
                                                            q.total_count, q.has_more, q.total_exact)
                                          ORDER BY q.o), '[]')
                  FROM event_store.query_events(c.instance_id, c.types, c.start_date, c.end_date, c.kw, c.lim, c.off,
                                                c.after, c.exact) WITH ORDINALITY
                       AS q(event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at,
                            updated_at, global_position, transaction_id, total_count, has_more, total_exact, o));
    ELSIF c.kind = 'c' THEN
        RETURN to_jsonb(event_store.count_events(c.instance_id, c.types, c.start_date, c.end_date, c.kw, c.after));
    ELSE
        RETURN (SELECT coalesce(jsonb_agg(jsonb_build_array(a.event_type, a.category, a.event_count) ORDER BY a.o), '[]')
                  FROM event_store.aggregate_events_by_type(c.instance_id, c.start_date, c.end_date) WITH ORDINALITY
                       AS a(event_type, category, event_count, o));
    END IF;
END
$$;

-- The same answer computed from the events table alone, by the documented rules: a keyword is a
-- case-insensitive substring of one scalar value of event_data or metadata; pages in sequence
-- order (one instance) or global order; total_count exact up to greatest(10000, offset + limit)
-- matches, beyond that that number with total_exact false (always exact with p_exact_count, and
-- without any filter, when the stream heads count);
-- has_more when matches remain after the page; aggregates most frequent first, ties by type.
CREATE FUNCTION pg_temp.truth(c cases) RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH m AS (
        SELECT e.instance_id::text AS instance_id, e.sequence_num, e.global_position, e.event_type,
               CASE WHEN c.instance_id IS NULL THEN e.global_position ELSE e.sequence_num END AS k
          FROM event_store.events e
         WHERE (c.instance_id IS NULL OR e.instance_id = c.instance_id)
           AND (c.types IS NULL OR e.event_type = ANY (c.types))
           AND (c.start_date IS NULL OR e."timestamp" >= c.start_date)
           AND (c.end_date IS NULL OR e."timestamp" <= c.end_date)
           AND (c.after IS NULL OR e.sequence_num > c.after)
           AND (coalesce(c.kw, '') = ''
                OR EXISTS (SELECT FROM jsonb_path_query(jsonb_build_array(e.event_data, e.metadata), 'strict $.**') v
                            WHERE jsonb_typeof(v) NOT IN ('object', 'array', 'null')
                              AND strpos(lower(v #>> '{}'), lower(c.kw)) > 0))
    ), n AS (
        SELECT count(*) AS n,
               CASE WHEN c.exact OR (c.types IS NULL AND c.start_date IS NULL AND c.end_date IS NULL
                                     AND coalesce(c.kw, '') = '' AND c.after IS NULL)
                    THEN NULL ELSE greatest(10000, c.off::bigint + c.lim) END AS cap
          FROM m
    )
    SELECT CASE c.kind
        WHEN 'q' THEN (SELECT coalesce(jsonb_agg(jsonb_build_array(p.instance_id, p.sequence_num, p.global_position,
                                                                   CASE WHEN n.n > n.cap THEN n.cap ELSE n.n END,
                                                                   n.n > c.off::bigint + c.lim,
                                                                   n.cap IS NULL OR n.n <= n.cap)
                                                 ORDER BY p.k), '[]')
                         FROM (SELECT * FROM m ORDER BY m.k LIMIT c.lim OFFSET c.off) p, n)
        WHEN 'c' THEN (SELECT to_jsonb(n.n) FROM n)
        ELSE (SELECT coalesce(jsonb_agg(jsonb_build_array(a.event_type, a.category, a.n) ORDER BY a.n DESC, a.event_type), '[]')
                FROM (SELECT m.event_type, et.category, count(*) AS n
                        FROM m JOIN event_store.event_types et ON et.event_type = m.event_type
                       GROUP BY 1, 2) a)
    END
$$;

-- 'total_count total_exact has_more rows' of a query_events case (the count of a count_events case).
CREATE FUNCTION pg_temp.summary(c cases) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    IF c.kind = 'c' THEN
        RETURN event_store.count_events(c.instance_id, c.types, c.start_date, c.end_date, c.kw, c.after)::text;
    END IF;
    RETURN (SELECT coalesce(string_agg(DISTINCT format('%s %s %s', q.total_count, q.total_exact, q.has_more), ' / '), '-')
                   || ' ' || count(*)
              FROM event_store.query_events(c.instance_id, c.types, c.start_date, c.end_date, c.kw, c.lim, c.off,
                                            c.after, c.exact) q);
END
$$;

-- The fixture. Four instances inserted directly (see the top): p-PS-1, p-PS-2 and p-PS-3 with 60
-- events each, every 5 min from 09:00:00 (p-PS-2 from 09:02:30) and every 3 min from 09:00:01
-- (p-PS-3), and p-MS-big with 2,100 events every 7 s from 09:00:00 on 2026-03-01 (UTC), so some
-- events fall exactly on the hour. Feed keys climb along each instance and interleave across them.
-- 'zebra' is in some values (and in some metadata); in six values of p-PS-3 a tab precedes it.
INSERT INTO event_store.instances (instance_id, instance_type, project)
VALUES ('p-PS-1', 'PS', 'proj'), ('p-PS-2', 'PS', 'proj'), ('p-PS-3', 'PS', 'proj'), ('p-MS-big', 'MS', 'proj');
CREATE FUNCTION pg_temp.insert_events(p_instance text, p_count int, p_first timestamptz, p_every interval,
                                      p_key_times int, p_key_plus int, p_key_div int, p_zebra_every int)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO event_store.events (instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
                                    created_at, updated_at, transaction_id, feed_key)
    SELECT p_instance, t.type, t.s, t.ts,
           CASE t.type
               WHEN 'test_failed' THEN jsonb_build_object('test_suite', t.word || ' suite', 'failed_count', t.s % 4)
               WHEN 'commit_created' THEN jsonb_build_object('commit_sha', md5(p_instance || t.s), 'message', 'fix ' || t.word)
               WHEN 'task_spawned' THEN jsonb_build_object('task_id', 'T-' || t.s, 'task_type', t.word)
               WHEN 'test_passed' THEN jsonb_build_object('test_suite', t.word)
               ELSE jsonb_build_object('epic_id', 'E-' || t.s, 'feature_name', initcap(t.word))
           END,
           CASE WHEN t.s % 11 = 0 THEN jsonb_build_object('ticket', 'ZEBRA-' || t.s) ELSE '{}' END,
           t.ts, t.ts, t.fk, t.fk
      FROM (SELECT s, p_first + (s - 1) * p_every AS ts,
                   (ARRAY['test_failed', 'commit_created', 'task_spawned', 'test_passed', 'epic_started'])[1 + (s / 3) % 5] AS type,
                   CASE WHEN p_instance = 'p-PS-3' AND s % 10 = 0 THEN E'fix\tzebra'
                        WHEN s % p_zebra_every = 0 THEN 'zebra ' || s ELSE 'plain ' || s END AS word,
                   pg_temp.fk((s * p_key_times + p_key_plus) / p_key_div) AS fk
              FROM generate_series(1, p_count) s) t
     ORDER BY t.s;
    UPDATE event_store.instances i SET last_sequence_num = p_count, last_feed_key = pg_temp.fk((p_count * p_key_times + p_key_plus) / p_key_div)
     WHERE i.instance_id = p_instance;
$$;
SELECT lives_ok($$SELECT pg_temp.insert_events('p-PS-1', 60, '2026-03-01 09:00:00+00', '5 min', 7, 0, 1, 3)$$, 'insert p-PS-1');
SELECT lives_ok($$SELECT pg_temp.insert_events('p-PS-2', 60, '2026-03-01 09:02:30+00', '5 min', 7, 3, 1, 3)$$, 'insert p-PS-2');
SELECT lives_ok($$SELECT pg_temp.insert_events('p-PS-3', 60, '2026-03-01 09:00:01+00', '3 min', 7, 5, 1, 4)$$, 'insert p-PS-3');
SELECT lives_ok($$SELECT pg_temp.insert_events('p-MS-big', 2100, '2026-03-01 09:00:00+00', '7 s', 1, 0, 5, 4)$$, 'insert p-MS-big');
-- This transaction's own events, emitted through the API: after the horizon, so never projected here.
SELECT lives_ok($$SELECT event_store.register_instance('p-PS-live', 'PS', 'proj')$$, 'register p-PS-live (its first event)');
SELECT lives_ok($$SELECT event_store.emit_events('p-PS-live', '[
    {"event_type": "test_failed", "event_data": {"test_suite": "zebra live"}},
    {"event_type": "commit_created", "event_data": {"commit_sha": "abc", "message": "live zebra"}, "metadata": {"ticket": "ZEBRA-live"}},
    {"event_type": "test_passed", "event_data": {"test_suite": "live"}}]')$$, 'emit three more to p-PS-live');

-- Pages are short (the total on every row covers the whole match), a few deep.
INSERT INTO cases (label, kind, instance_id, types, start_date, end_date, kw, lim, off, after) VALUES
    ('q01 keyword', 'q', NULL, NULL, NULL, NULL, 'zebra', 100, 0, NULL),
    ('q02 keyword, a page in the middle', 'q', NULL, NULL, NULL, NULL, 'zebra', 7, 14, NULL),
    ('q03 keyword in upper case, the last page', 'q', NULL, NULL, NULL, NULL, 'ZEBRA', 20, 730, NULL),
    ('q04 keyword never across an escape', 'q', NULL, NULL, NULL, NULL, 'tzebra', 100, 0, NULL),
    ('q05 keyword in metadata', 'q', NULL, NULL, NULL, NULL, 'zebra-2', 100, 0, NULL),
    ('q06 keyword of this transaction''s events only', 'q', NULL, NULL, NULL, NULL, 'live', 100, 0, NULL),
    ('q07 types', 'q', NULL, '{test_failed,commit_created}', NULL, NULL, NULL, 100, 0, NULL),
    ('q08 types, a deep page', 'q', NULL, '{test_failed,commit_created}', NULL, NULL, NULL, 25, 400, NULL),
    ('q09 dates', 'q', NULL, NULL, '2026-03-01 09:20+00', '2026-03-01 12:40+00', NULL, 100, 0, NULL),
    ('q10 dates, a deep page', 'q', NULL, NULL, '2026-03-01 09:20+00', '2026-03-01 12:40+00', NULL, 10, 900, NULL),
    ('q11 start date only', 'q', NULL, NULL, '2026-03-01 12:00+00', NULL, NULL, 50, 0, NULL),
    ('q12 end date only', 'q', NULL, NULL, NULL, '2026-03-01 09:30+00', NULL, 50, 0, NULL),
    ('q13 types and dates', 'q', NULL, '{test_passed}', '2026-03-01 10:00+00', '2026-03-01 12:00+00', NULL, 100, 0, NULL),
    ('q14 keyword and types', 'q', NULL, '{test_failed,epic_started}', NULL, NULL, 'zebra', 100, 0, NULL),
    ('q15 keyword and dates', 'q', NULL, NULL, '2026-03-01 10:05+00', '2026-03-01 10:50+00', 'zebra', 100, 0, NULL),
    ('q16 keyword, types and dates, a page', 'q', NULL, '{task_spawned,commit_created}', '2026-03-01 09:20+00',
     '2026-03-01 12:40+00', 'zebra', 10, 10, NULL),
    ('q17 offset past the end', 'q', NULL, NULL, NULL, NULL, 'zebra', 100, 100000, NULL),
    ('q18 big instance, keyword', 'q', 'p-MS-big', NULL, NULL, NULL, 'zebra', 100, 0, NULL),
    ('q19 big instance, keyword, the last page', 'q', 'p-MS-big', NULL, NULL, NULL, 'zebra', 20, 660, NULL),
    ('q20 big instance, keyword and types', 'q', 'p-MS-big', '{test_failed}', NULL, NULL, 'ZEBRA', 100, 0, NULL),
    ('q21 big instance, keyword and dates', 'q', 'p-MS-big', NULL, '2026-03-01 10:00+00', '2026-03-01 11:00+00', 'zebra', 100, 0, NULL),
    ('q22 big instance, keyword after a sequence', 'q', 'p-MS-big', NULL, NULL, NULL, 'zebra', 50, 0, 1500),
    ('q23 small instance, keyword', 'q', 'p-PS-1', NULL, NULL, NULL, 'zebra', 100, 0, NULL),
    ('c01 count, keyword', 'c', NULL, NULL, NULL, NULL, 'zebra', 1, 0, NULL),
    ('c02 count, types and dates', 'c', NULL, '{test_passed,task_spawned}', '2026-03-01 09:20+00', '2026-03-01 12:40+00', NULL, 1, 0, NULL),
    ('c03 count, big instance keyword', 'c', 'p-MS-big', NULL, NULL, NULL, 'zebra', 1, 0, NULL),
    ('a01 fleet, no range', 'a', NULL, NULL, NULL, NULL, NULL, 1, 0, NULL),
    ('a02 fleet, partial hours at both ends', 'a', NULL, NULL, '2026-03-01 09:20+00', '2026-03-01 12:40+00', NULL, 1, 0, NULL),
    ('a03 fleet, inside one hour', 'a', NULL, NULL, '2026-03-01 10:05+00', '2026-03-01 10:50+00', NULL, 1, 0, NULL),
    ('a04 fleet, whole hours (the inclusive end on the hour)', 'a', NULL, NULL, '2026-03-01 10:00+00', '2026-03-01 12:00+00', NULL, 1, 0, NULL),
    ('a05 fleet, whole hours up to the last microsecond', 'a', NULL, NULL, '2026-03-01 10:00+00', '2026-03-01 11:59:59.999999+00', NULL, 1, 0, NULL),
    ('a06 fleet, start date only', 'a', NULL, NULL, '2026-03-01 10:30+00', NULL, NULL, 1, 0, NULL),
    ('a07 fleet, end date only', 'a', NULL, NULL, NULL, '2026-03-01 11:15+00', NULL, 1, 0, NULL),
    ('a08 fleet, one instant on the hour', 'a', NULL, NULL, '2026-03-01 11:00+00', '2026-03-01 11:00+00', NULL, 1, 0, NULL),
    ('a09 fleet, half-hour offsets', 'a', NULL, NULL, '2026-03-01 15:00+05:30', '2026-03-01 17:30+05:30', NULL, 1, 0, NULL),
    ('a10 one instance, dates', 'a', 'p-MS-big', NULL, '2026-03-01 09:20+00', '2026-03-01 12:40+00', NULL, 1, 0, NULL);

SELECT is((SELECT count(*) FROM cases WHERE grp = 'fixture'), 36::bigint, 'the 36 questions of every stage');
SELECT ok((SELECT bool_and(pg_temp.truth(c) NOT IN ('[]', '0')) FROM cases c
            WHERE c.grp = 'fixture' AND c.label NOT IN ('q04 keyword never across an escape', 'q17 offset past the end')),
          'every question but two has a non-empty answer');

-- Stage 0: nothing of the fixture is projected; every answer comes from the events table.
SELECT is((SELECT count(*) FROM event_store.fleet_index WHERE instance_id LIKE 'p-%'), 0::bigint,
          'before any projection: no fixture event in fleet_index');
-- The total is counted once per call, not once per row of the page. When the planner expects a
-- page of at most one row (a deep offset; few matches expected, as here where the fixture was just
-- inserted and not analysed yet) and runs the count as the inner side of a nested loop without
-- materialising it, every row of the page counts every match again: this page of 200 rows over
-- 740 matches then takes seconds instead of tens of milliseconds. The bound is 20 times the
-- healthy time, measured on the first call.
CREATE FUNCTION pg_temp.seconds_for_a_deep_page() RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    v_t0 timestamptz := clock_timestamp();
BEGIN
    PERFORM count(*) FROM event_store.query_events(p_keyword => 'zebra', p_limit => 200, p_offset => 500);
    RETURN round(extract(epoch FROM clock_timestamp() - v_t0), 3);
END
$$;
SELECT cmp_ok(pg_temp.seconds_for_a_deep_page(), '<', 1.0,
              'before any projection, a keyword page of 200 at offset 500 answers within 1 s (its total counted once)');
-- From here on the tables are analysed after each change, as autovacuum keeps a live store's.
ANALYZE event_store.events;
ANALYZE event_store.fleet_index;
SELECT is(pg_temp.answer(c), pg_temp.truth(c), 'before any projection: ' || c.label) FROM cases c WHERE c.grp = 'fixture' ORDER BY c.label;

-- Stage 1: project_fleet(1140) applies half the fixture's 2,280 events, in feed order. The
-- session's time zone is half an hour off UTC from here on: hours are UTC hours all the same.
SET LOCAL TimeZone = 'Asia/Kolkata';
SELECT is(event_store.project_fleet(1140), 1140, 'project_fleet(1140) applies 1140 events');
ANALYZE event_store.fleet_index;
SELECT results_eq($$SELECT * FROM pg_temp.mark()$$,
                  $$SELECT e.feed_key, e.global_position, w0.events_projected + 1140
                      FROM event_store.events e, w0
                     WHERE (e.feed_key, e.global_position) > (w0.feed_key, w0.global_position)
                     ORDER BY e.feed_key, e.global_position OFFSET 1139 LIMIT 1$$,
                  'the watermark is the 1140th event in feed order, events_projected grew by 1140');
SELECT is_empty($$SELECT * FROM pg_temp.index_diff()$$, 'fleet_index: exactly one row per event up to the watermark');
SELECT is_empty($$SELECT * FROM pg_temp.counts_diff()$$, 'fleet_type_counts: the events up to the watermark per type and UTC hour');
SELECT results_eq($$SELECT e.instance_id::text, bool_or((e.feed_key, e.global_position) <= (m.feed_key, m.global_position)),
                            bool_or((e.feed_key, e.global_position) > (m.feed_key, m.global_position))
                       FROM event_store.events e, pg_temp.mark() m
                      WHERE e.instance_id IN ('p-PS-1', 'p-PS-2', 'p-PS-3', 'p-MS-big')
                      GROUP BY 1 ORDER BY 1$$,
                  $$VALUES ('p-MS-big', true, true), ('p-PS-1', true, true), ('p-PS-2', true, true), ('p-PS-3', true, true)$$,
                  'every fixture instance has events on both sides of the watermark');
SELECT ok((SELECT count(*) > 0 FROM event_store.events e, pg_temp.mark() m
            WHERE (e.feed_key, e.global_position) > (m.feed_key, m.global_position) AND e.global_position < m.global_position),
          'feed order is not global order: some events after the watermark come before it in global order');
SELECT is(pg_temp.answer(c), pg_temp.truth(c), 'half projected: ' || c.label) FROM cases c WHERE c.grp = 'fixture' ORDER BY c.label;

-- A reset of p-PS-2 halfway: its projected rows go, and their counts.
CREATE TEMP TABLE before_reset AS
SELECT (SELECT count(*) FROM event_store.fleet_index WHERE instance_id = 'p-PS-2') AS rows_of_ps2,
       (SELECT sum(event_count) FROM event_store.fleet_type_counts) AS counted,
       (SELECT m::text FROM pg_temp.mark() m) AS mark;
SELECT is(event_store.delete_events_for_instance('p-PS-2'), 60::bigint, 'delete_events_for_instance(p-PS-2) deletes its 60 events');
ANALYZE event_store.events;
ANALYZE event_store.fleet_index;
SELECT is((SELECT count(*) FROM event_store.fleet_index WHERE instance_id = 'p-PS-2'), 0::bigint,
          'and its rows of fleet_index');
SELECT is((SELECT sum(event_count) FROM event_store.fleet_type_counts), (SELECT counted - rows_of_ps2 FROM before_reset),
          'fleet_type_counts is lower by exactly those rows');
SELECT is_empty($$SELECT * FROM event_store.fleet_type_counts WHERE event_count <= 0$$, 'and keeps no empty or negative count');
SELECT is_empty($$SELECT * FROM pg_temp.counts_diff()$$, 'fleet_type_counts still matches the events up to the watermark');
SELECT is_empty($$SELECT * FROM pg_temp.index_diff()$$, 'fleet_index too');
SELECT is((SELECT m::text FROM pg_temp.mark() m), (SELECT mark FROM before_reset), 'the reset leaves the watermark where it was');
SELECT is_empty($$SELECT c.label FROM cases c WHERE c.grp = 'fixture' AND pg_temp.answer(c) IS DISTINCT FROM pg_temp.truth(c)$$,
                'after the reset, every answer still equals the events table');

-- Stage 2: the rest of the fixture (p-PS-2's unprojected events are gone), never this transaction's.
SET LOCAL TimeZone = 'UTC';
CREATE TEMP TABLE rest AS
SELECT count(*) AS n FROM event_store.events e
 WHERE e.instance_id IN ('p-PS-1', 'p-PS-2', 'p-PS-3', 'p-MS-big')
   AND NOT EXISTS (SELECT FROM event_store.fleet_index f WHERE f.global_position = e.global_position);
SELECT is(pg_temp.project_all(), (SELECT n FROM rest), 'projecting the rest applies every remaining fixture event');
SELECT is(event_store.project_fleet(), 0, 'a second project_fleet with nothing new returns 0');
ANALYZE event_store.fleet_index;
SELECT results_eq($$SELECT * FROM pg_temp.mark()$$,
                  $$SELECT e.feed_key, e.global_position, w0.events_projected + 1140 + rest.n
                      FROM event_store.events e, w0, rest
                     WHERE e.instance_id IN ('p-PS-1', 'p-PS-3', 'p-MS-big')
                     ORDER BY e.feed_key DESC, e.global_position DESC LIMIT 1$$,
                  'the watermark is the fixture''s last event in feed order; events_projected counts every event applied');
SELECT is_empty($$SELECT * FROM pg_temp.index_diff()$$, 'fleet_index: exactly one row per event up to the watermark');
SELECT is_empty($$SELECT * FROM pg_temp.counts_diff()$$, 'fleet_type_counts: the events up to the watermark per type and UTC hour');
SELECT results_eq($$SELECT DISTINCT e.instance_id::text FROM event_store.events e
                     WHERE NOT EXISTS (SELECT FROM event_store.fleet_index f WHERE f.global_position = e.global_position)$$,
                  $$VALUES ('p-PS-live')$$, 'the only events not projected are this transaction''s own');
SELECT is((SELECT count(*) FROM event_store.events e, pg_temp.mark() m
            WHERE (e.feed_key, e.global_position) > (m.feed_key, m.global_position)), 4::bigint,
          'they are the 4 events after the watermark (their feed key is this transaction''s id, not below the horizon)');
SELECT is(pg_temp.answer(c), pg_temp.truth(c), 'all projected: ' || c.label) FROM cases c WHERE c.grp = 'fixture' ORDER BY c.label;

-- total_count: exact up to 10,000 matches (or offset + limit), a lower bound beyond. p-MS-many has
-- 10,500 task_spawned events (inserted directly, one per second from 2026-04-01 00:00:01 UTC, all
-- of them matching 'quokka'), asked before they are projected (from events) and after (fleet_index).
-- p-MS-rev, inserted first, has 10,500 test_passed events whose time runs backwards (one per
-- second down from 2026-05-01 02:55:00 UTC): in time order its events come last in global order,
-- and task_spawned (p-MS-many) comes before test_passed in type order but after it in global order.
INSERT INTO event_store.instances (instance_id, instance_type, project) VALUES ('p-MS-rev', 'MS', 'proj');
INSERT INTO event_store.events (instance_id, event_type, sequence_num, "timestamp", event_data, created_at, updated_at,
                                transaction_id, feed_key)
SELECT 'p-MS-rev', 'test_passed', s, timestamptz '2026-05-01 02:55:00+00' - s * interval '1 s',
       jsonb_build_object('test_suite', 'unit'),
       timestamptz '2026-05-01 02:55:00+00' - s * interval '1 s', timestamptz '2026-05-01 02:55:00+00' - s * interval '1 s',
       pg_temp.fk(1000000000), pg_temp.fk(1000000000)
  FROM generate_series(1, 10500) s;
UPDATE event_store.instances SET last_sequence_num = 10500, last_feed_key = pg_temp.fk(1000000000) WHERE instance_id = 'p-MS-rev';
INSERT INTO event_store.instances (instance_id, instance_type, project) VALUES ('p-MS-many', 'MS', 'proj');
INSERT INTO event_store.events (instance_id, event_type, sequence_num, "timestamp", event_data, created_at, updated_at,
                                transaction_id, feed_key)
SELECT 'p-MS-many', 'task_spawned', s, timestamptz '2026-04-01 00:00:00+00' + s * interval '1 s',
       jsonb_build_object('task_id', 'T-' || s, 'task_type', 'Quokka ' || s),
       timestamptz '2026-04-01 00:00:00+00' + s * interval '1 s', timestamptz '2026-04-01 00:00:00+00' + s * interval '1 s',
       pg_temp.fk(1000000000), pg_temp.fk(1000000000)
  FROM generate_series(1, 10500) s;
UPDATE event_store.instances SET last_sequence_num = 10500, last_feed_key = pg_temp.fk(1000000000) WHERE instance_id = 'p-MS-many';
ANALYZE event_store.events;
INSERT INTO cases (grp, label, kind, instance_id, types, start_date, end_date, kw, lim, off, exact, expect) VALUES
    ('contract', 't01 keyword, 10,500 matches', 'q', NULL, NULL, NULL, NULL, 'quokka', 10, 0, false, '10000 f t 10'),
    ('contract', 't02 keyword, p_exact_count', 'q', NULL, NULL, NULL, NULL, 'quokka', 10, 0, true, '10500 t t 10'),
    ('contract', 't03 keyword, count_events', 'c', NULL, NULL, NULL, NULL, 'quokka', 1, 0, false, '10500'),
    ('contract', 't04 keyword, offset 10,100: offset + limit as the lower bound', 'q', NULL, NULL, NULL, NULL, 'quokka', 10, 10100, false,
     '10110 f t 10'),
    ('contract', 't05 keyword, offset 10,495: exact again', 'q', NULL, NULL, NULL, NULL, 'quokka', 10, 10495, false, '10500 t f 5'),
    ('contract', 't06 types', 'q', NULL, '{task_spawned}', '2026-04-01 00:00+00', NULL, NULL, 5, 0, false, '10000 f t 5'),
    ('contract', 't07 dates, exactly 10,000 matches', 'q', NULL, NULL, '2026-04-01 00:00:01+00', '2026-04-01 02:46:40+00', NULL, 10, 0,
     false, '10000 t t 10'),
    ('contract', 't08 dates, 10,001 matches', 'q', NULL, NULL, '2026-04-01 00:00:01+00', '2026-04-01 02:46:41+00', NULL, 10, 0,
     false, '10000 f t 10'),
    ('contract', 't09 dates, 10,001 matches, p_exact_count', 'q', NULL, NULL, '2026-04-01 00:00:01+00', '2026-04-01 02:46:41+00', NULL, 10, 0,
     true, '10001 t t 10'),
    ('contract', 't10 one instance, types', 'q', 'p-MS-many', '{task_spawned}', NULL, NULL, NULL, 5, 0, false, '10000 f t 5'),
    ('contract', 't11 one instance, types, p_exact_count', 'q', 'p-MS-many', '{task_spawned}', NULL, NULL, NULL, 5, 0, true, '10500 t t 5'),
    ('contract', 't12 one instance, keyword', 'q', 'p-MS-many', NULL, NULL, NULL, 'quokka', 5, 0, false, '10000 f t 5'),
    ('contract', 't13 one instance, no filter: the head, exact', 'q', 'p-MS-many', NULL, NULL, NULL, NULL, 5, 0, false, '10500 t t 5'),
    ('contract', 't14 type + dates, time order against global order', 'q', NULL, '{test_passed}', '2026-05-01 00:00+00',
     '2026-05-01 03:00+00', NULL, 10, 0, false, '10000 f t 10'),
    ('contract', 't15 two types + dates, type order against global order', 'q', NULL, '{task_spawned,test_passed}',
     '2026-04-01 00:00+00', '2026-05-01 03:00+00', NULL, 10, 20, false, '10000 f t 10'),
    ('contract', 't16 two types, the page deeper than the first type', 'q', NULL, '{task_spawned,test_passed}', NULL, NULL,
     NULL, 100, 10400, false, '10500 f t 100'),
    ('contract', 't17 type from a date (10,500 and p-PS-live''s one), offset 10,495: exact again', 'q', NULL, '{test_passed}', '2026-05-01 00:00+00', NULL, NULL, 10,
     10495, false, '10501 t f 6'),
    ('contract', 't18 two types up to an hour''s first instant, the page''s first event on it', 'q', NULL,
     '{task_spawned,test_passed}', '2026-04-01 00:00+00', '2026-05-01 02:00+00', NULL, 10, 0, false, '10000 f t 10');

SELECT is(pg_temp.summary(c), c.expect, 'unprojected: ' || c.label) FROM cases c WHERE c.grp = 'contract' ORDER BY c.label;
SELECT is_empty($$SELECT c.label FROM cases c WHERE c.grp = 'contract' AND pg_temp.answer(c) IS DISTINCT FROM pg_temp.truth(c)$$,
                'unprojected: the pages and totals of every contract question equal the events table');
SELECT is(pg_temp.project_all(), 21000::bigint, 'project the 21,000');
ANALYZE event_store.fleet_index;
SELECT is(pg_temp.summary(c), c.expect, 'projected: ' || c.label) FROM cases c WHERE c.grp = 'contract' ORDER BY c.label;
SELECT is_empty($$SELECT c.label FROM cases c WHERE c.grp = 'contract' AND pg_temp.answer(c) IS DISTINCT FROM pg_temp.truth(c)$$,
                'projected: the pages and totals of every contract question equal the events table');

-- A keyword across all instances takes the first 10,001 trigram matches in heap order, and past
-- the cap finds the page with a second pass bounded by them: heap order is not global order (the
-- projector appends in feed order, and freed space is reused). Reversed here, so the first
-- matches the scan meets are the last in global order.
CREATE INDEX fleet_index_reversed ON event_store.fleet_index (global_position DESC);
CLUSTER event_store.fleet_index USING fleet_index_reversed;
DROP INDEX event_store.fleet_index_reversed;
ANALYZE event_store.fleet_index;
SELECT is(pg_temp.summary(c), c.expect, 'heap order reversed: ' || c.label) FROM cases c WHERE c.grp = 'contract' ORDER BY c.label;
SELECT is_empty($$SELECT c.label FROM cases c WHERE c.grp = 'contract' AND pg_temp.answer(c) IS DISTINCT FROM pg_temp.truth(c)$$,
                'heap order reversed: the pages and totals of every contract question equal the events table');

-- Without a keyword, the second pass reads only the hours whose fleet_type_counts.min_global_position
-- is at or below the bound (an hour's smallest position as projected; p-MS-rev's time runs against
-- global order, so its page is in its last hours). NULL means unknown (written by an older
-- project_fleet), and such an hour is read.
SELECT is_empty($$SELECT c.event_type, c.hour FROM event_store.fleet_type_counts c
                   WHERE c.min_global_position IS DISTINCT FROM
                         (SELECT min(f.global_position) FROM event_store.fleet_index f
                           WHERE f.event_type = c.event_type AND date_trunc('hour', f."timestamp", 'UTC') = c.hour)$$,
                'projected: min_global_position is the smallest position of each type and hour');
UPDATE event_store.fleet_type_counts c SET min_global_position = NULL WHERE c.event_type = 'test_passed';
SELECT is_empty($$SELECT c.label FROM cases c WHERE c.grp = 'contract' AND pg_temp.answer(c) IS DISTINCT FROM pg_temp.truth(c)$$,
                'minimum positions unknown: the pages and totals of every contract question equal the events table');

SELECT * FROM finish();
ROLLBACK;
