-- Read functions: query_events (every filter alone and combined, literal keywords, paging),
-- get_latest_events, get_event_by_id, get_event_count, aggregate_events_by_type, list_event_types.
BEGIN;
SELECT plan(119);

-- Signatures, definer, privileges
SELECT has_function('event_store', 'query_events',
                    ARRAY['text', 'text[]', 'timestamp with time zone', 'timestamp with time zone', 'text', 'integer', 'integer', 'bigint', 'boolean']);
SELECT has_function('event_store', 'get_latest_events', ARRAY['text', 'integer']);
SELECT has_function('event_store', 'get_event_by_id', ARRAY['uuid']);
SELECT has_function('event_store', 'get_event_count', ARRAY['text']);
SELECT has_function('event_store', 'aggregate_events_by_type', ARRAY['text', 'timestamp with time zone', 'timestamp with time zone']);
SELECT has_function('event_store', 'list_event_types', ARRAY['text']);
SELECT function_returns('event_store', 'get_event_count', ARRAY['text'], 'bigint');
SELECT function_returns('event_store', 'get_latest_events', ARRAY['text', 'integer'], 'setof event_store.events');
SELECT function_returns('event_store', 'get_event_by_id', ARRAY['uuid'], 'setof event_store.events');
SELECT is_definer('event_store', 'query_events',
                  ARRAY['text', 'text[]', 'timestamp with time zone', 'timestamp with time zone', 'text', 'integer', 'integer', 'bigint', 'boolean']);
SELECT is_definer('event_store', 'get_latest_events', ARRAY['text', 'integer']);
SELECT is_definer('event_store', 'get_event_by_id', ARRAY['uuid']);
SELECT is_definer('event_store', 'get_event_count', ARRAY['text']);
SELECT is_definer('event_store', 'aggregate_events_by_type', ARRAY['text', 'timestamp with time zone', 'timestamp with time zone']);
SELECT is_definer('event_store', 'list_event_types', ARRAY['text']);
SELECT ok(bool_and(has_function_privilege(r, f, 'EXECUTE')), 'reader, writer and admin may execute every read function')
  FROM unnest(ARRAY['event_store_reader', 'event_store_writer', 'event_store_admin']) r,
       unnest(ARRAY['event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)',
                    'event_store.get_latest_events(text, int)', 'event_store.get_event_by_id(uuid)',
                    'event_store.get_event_count(text)',
                    'event_store.aggregate_events_by_type(text, timestamptz, timestamptz)',
                    'event_store.list_event_types(text)']) f;
SELECT results_eq($$SELECT pg_get_function_result('event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)'::regprocedure)$$,
                  $$VALUES ('TABLE(event_id uuid, instance_id text, event_type text, sequence_num bigint, "timestamp" timestamp with time zone, event_data jsonb, metadata jsonb, created_at timestamp with time zone, updated_at timestamp with time zone, global_position bigint, transaction_id xid8, total_count bigint, has_more boolean, total_exact boolean)')$$,
                  'query_events returns the event columns plus total_count, has_more and total_exact');
SELECT function_returns('event_store', 'query_events',
                        ARRAY['text', 'text[]', 'timestamp with time zone', 'timestamp with time zone', 'text', 'integer', 'integer', 'bigint', 'boolean'],
                        'setof record');
SELECT hasnt_function('event_store', 'query_events',
                      ARRAY['text', 'text[]', 'timestamp with time zone', 'timestamp with time zone', 'text', 'integer', 'integer', 'bigint'],
                      'the 8-argument query_events of v0.4.0 is gone (no ambiguous overload)');
SELECT ok(NOT has_function_privilege('public', 'event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)', 'EXECUTE'),
          'PUBLIC may not execute query_events');
SELECT is((SELECT p.proargnames[9] || ' ' || pg_get_function_arg_default(p.oid, 9)
             FROM pg_proc p WHERE p.oid = 'event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint, boolean)'::regprocedure),
          'p_exact_count false', 'the ninth argument is p_exact_count, default false');

-- Fixtures. q-PS-1: six events with awkward characters; q-PS-2: one more keyword hit;
-- q-dates: inserted directly (as the owner) one per day so date filters can be told apart.
SELECT lives_ok($$SELECT event_store.register_instance('q-PS-1', 'PS', 'odin')$$, 'register q-PS-1');
SELECT lives_ok($$SELECT event_store.emit_events('q-PS-1', '[
    {"event_type": "epic_started", "event_data": {"epic_id": "E-1", "feature_name": "Login 100% Done"}},
    {"event_type": "test_failed", "event_data": {"test_suite": "unit", "failures": [{"error": "TimeoutQX_Error in a_b"}]}},
    {"event_type": "commit_created", "event_data": {"commit_sha": "abc123", "message": "fix back\\slash path", "branch": "main"},
     "metadata": {"ticket": "JIRA-42"}},
    {"event_type": "test_passed", "event_data": {"test_suite": "axb"}},
    {"event_type": "epic_completed", "event_data": {"epic_id": "E-1"}}]')$$, 'emit five events to q-PS-1');
SELECT lives_ok($$SELECT event_store.register_instance('q-PS-2', 'PS', 'odin')$$, 'register q-PS-2');
SELECT lives_ok($$SELECT event_store.emit_event('q-PS-2', 'validation_failed', '{"validation_type": "lint", "reason": "TIMEOUTqx"}')$$,
                'emit one event to q-PS-2');
SELECT lives_ok($$SELECT event_store.emit_event('q-PS-2', 'context_window_updated', '{"usage_percent": 1, "tokens_used": 2}')$$,
                'and one with two numeric values');
INSERT INTO event_store.instances (instance_id, instance_type, project, last_sequence_num) VALUES ('q-dates', 'MS', 'odin', 6);
INSERT INTO event_store.events (instance_id, event_type, sequence_num, "timestamp", event_data, created_at, updated_at)
SELECT 'q-dates', CASE WHEN d % 2 = 0 THEN 'test_passed' ELSE 'test_started' END, d,
       timestamptz '2026-01-01 00:00:00+00' + (d - 1) * interval '1 day', '{"test_suite": "unit"}',
       timestamptz '2026-01-01 00:00:00+00' + (d - 1) * interval '1 day',
       timestamptz '2026-01-01 00:00:00+00' + (d - 1) * interval '1 day'
  FROM generate_series(1, 6) d;

-- No filter, paging
SELECT results_eq($$SELECT sequence_num, total_count, has_more FROM event_store.query_events('q-PS-1')$$,
                  $$VALUES (1::bigint, 6::bigint, false), (2, 6, false), (3, 6, false), (4, 6, false), (5, 6, false), (6, 6, false)$$,
                  'no filter: every event in sequence order, total_count 6, has_more false');
SELECT results_eq($$SELECT instance_id, event_type, event_data, metadata FROM event_store.query_events('q-PS-1', p_limit => 1, p_offset => 2)$$,
                  $$VALUES ('q-PS-1', 'test_failed', '{"test_suite": "unit", "failures": [{"error": "TimeoutQX_Error in a_b"}]}'::jsonb, '{}'::jsonb)$$,
                  'rows carry the event''s columns');
SELECT results_eq($$SELECT sequence_num, has_more FROM event_store.query_events('q-PS-1', p_limit => 2)$$,
                  $$VALUES (1::bigint, true), (2, true)$$, 'limit 2: first page, has_more');
SELECT results_eq($$SELECT sequence_num, has_more FROM event_store.query_events('q-PS-1', p_limit => 2, p_offset => 4)$$,
                  $$VALUES (5::bigint, false), (6, false)$$, 'offset 4: last page, no more');
SELECT results_eq($$SELECT sequence_num, has_more FROM event_store.query_events('q-PS-1', p_limit => 4, p_offset => 3)$$,
                  $$VALUES (4::bigint, false), (5, false), (6, false)$$, 'a short last page has no more');
SELECT is_empty($$SELECT * FROM event_store.query_events('q-PS-1', p_offset => 6)$$, 'offset at the end: no rows');
SELECT results_eq($$SELECT DISTINCT total_exact FROM (
                        SELECT total_exact FROM event_store.query_events('q-PS-1')
                        UNION ALL SELECT total_exact FROM event_store.query_events('q-PS-1', ARRAY['test_passed'])
                        UNION ALL SELECT total_exact FROM event_store.query_events('q-PS-1', p_keyword => 'e-')
                        UNION ALL SELECT total_exact FROM event_store.query_events()
                        UNION ALL SELECT total_exact FROM event_store.query_events(p_keyword => 'timeoutqx')
                        UNION ALL SELECT total_exact FROM event_store.query_events(p_event_types => ARRAY['test_passed'], p_exact_count => true)) t$$,
                  $$VALUES (true)$$, 'a few matches: total_exact on every path, with or without p_exact_count');
SELECT is_empty($$SELECT * FROM event_store.query_events('q-PS-1', p_offset => 1000)$$, 'offset past the end: no rows');
SELECT results_eq($$SELECT sequence_num, total_count, has_more FROM event_store.query_events('q-PS-1', p_limit => 1, p_after_sequence => 4)$$,
                  $$VALUES (5::bigint, 2::bigint, true)$$, 'keyset: after sequence 4, total_count counts what follows');
SELECT is_empty($$SELECT * FROM event_store.query_events('q-PS-1', p_after_sequence => 6)$$, 'keyset past the head: no rows');
SELECT is((SELECT count(*) FROM event_store.query_events('q-PS-1', p_limit => 1000)), 6::bigint, 'limit 1000 is allowed');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-PS-1', p_limit => 1001)$$, 'ES006',
                 'invalid limit 1001: must be between 1 and 1000', 'limit 1001 is ES006');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-PS-1', p_limit => 0)$$, 'ES006', NULL, 'limit 0 is ES006');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-PS-1', p_limit => NULL)$$, 'ES006', NULL, 'limit NULL is ES006');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-PS-1', p_offset => -1)$$, 'ES006', NULL, 'a negative offset is ES006');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-PS-1', p_after_sequence => -1)$$, 'ES006', NULL,
                 'a negative after_sequence is ES006');
SELECT throws_ok($$SELECT * FROM event_store.query_events(p_after_sequence => 1)$$, 'ES006',
                 'after_sequence needs an instance_id', 'after_sequence across all instances is ES006');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-nobody')$$, 'ES002', 'instance "q-nobody" not found',
                 'an unknown instance is ES002');
SELECT throws_ok($$SELECT * FROM event_store.query_events('bad id!')$$, 'ES006', NULL, 'a malformed instance id is ES006');

-- Event type filter
SELECT results_eq($$SELECT sequence_num, total_count FROM event_store.query_events('q-PS-1', ARRAY['test_passed', 'test_failed'])$$,
                  $$VALUES (3::bigint, 2::bigint), (5, 2)$$, 'types filter');
SELECT results_eq($$SELECT sequence_num, has_more FROM event_store.query_events('q-PS-1', ARRAY['test_passed', 'test_failed'], p_limit => 1)$$,
                  $$VALUES (3::bigint, true)$$, 'types filter pages too');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-PS-1', ARRAY['test_faild'])$$, 'ES001',
                 'unknown event_type "test_faild"', 'an unknown type in the filter is ES001, not "no events"');
SELECT throws_ok($$SELECT * FROM event_store.query_events(p_event_types => ARRAY['epic_started', 'nope'])$$, 'ES001',
                 'unknown event_type "nope"', 'also across all instances');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-PS-1', '{}')$$, 'ES006', NULL, 'an empty type list is ES006');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-PS-1', ARRAY[NULL])$$, 'ES006', NULL, 'a NULL type is ES006');

-- Date filter (inclusive at both ends)
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-dates', p_start_date => '2026-01-03 00:00+00', p_end_date => '2026-01-05 00:00+00')$$,
                  ARRAY[3, 4, 5]::bigint[], 'start and end dates are inclusive');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-dates', p_start_date => '2026-01-05 00:00+00')$$,
                  ARRAY[5, 6]::bigint[], 'start date alone');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-dates', p_end_date => '2026-01-02 00:00+00')$$,
                  ARRAY[1, 2]::bigint[], 'end date alone');
SELECT results_eq($$SELECT sequence_num, total_count FROM event_store.query_events('q-dates', ARRAY['test_passed'], '2026-01-02 00:00+00', '2026-01-04 12:00+00')$$,
                  $$VALUES (2::bigint, 2::bigint), (4, 2)$$, 'types and dates combined');
SELECT results_eq($$SELECT instance_id, sequence_num FROM event_store.query_events(NULL, NULL, '2026-01-06 00:00+00', '2026-01-06 00:00+00')$$,
                  $$VALUES ('q-dates', 6::bigint)$$, 'dates across all instances');
SELECT throws_ok($$SELECT * FROM event_store.query_events('q-dates', p_start_date => '2026-01-05', p_end_date => '2026-01-03')$$,
                 'ES006', NULL, 'start after end is ES006');

-- Keyword: case-insensitive literal substring of values (not keys) of data or metadata
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', p_keyword => 'timeoutqx')$$,
                  ARRAY[3]::bigint[], 'keyword is case-insensitive and finds nested values');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', p_keyword => 'JIRA-42')$$,
                  ARRAY[4]::bigint[], 'keyword searches metadata values');
SELECT is_empty($$SELECT * FROM event_store.query_events('q-PS-1', p_keyword => 'commit_sha')$$, 'keys are not searched');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', p_keyword => 'a_b')$$,
                  ARRAY[3]::bigint[], '_ is literal (a_b does not match axb)');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', p_keyword => '100%')$$,
                  ARRAY[2]::bigint[], '% is literal');
SELECT is_empty($$SELECT * FROM event_store.query_events('q-PS-1', p_keyword => '1%0')$$, '% is not a wildcard');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', p_keyword => 'back\slash')$$,
                  ARRAY[4]::bigint[], 'a backslash is literal');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', p_keyword => 'k\s')$$,
                  ARRAY[4]::bigint[], 'a backslash is not an escape (k\s matches, ks would not)');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', p_keyword => 'e-')$$,
                  ARRAY[2, 6]::bigint[], 'a short keyword works on one instance');
SELECT is_empty($$SELECT * FROM event_store.query_events('q-PS-2', p_keyword => '1, 2')$$,
                'a keyword never spans two values (1, 2)');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-2', p_keyword => '2')$$,
                  ARRAY[3]::bigint[], 'numbers are values too');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', ARRAY['test_passed', 'test_failed'], p_keyword => 'UNIT')$$,
                  ARRAY[3]::bigint[], 'keyword and types combined');
SELECT results_eq($$SELECT sequence_num FROM event_store.query_events('q-PS-1', p_keyword => '')$$,
                  ARRAY[1, 2, 3, 4, 5, 6]::bigint[], 'an empty keyword filters nothing');
SELECT results_eq($$SELECT instance_id, sequence_num, total_count FROM event_store.query_events(p_keyword => 'timeoutqx')$$,
                  $$VALUES ('q-PS-1', 3::bigint, 2::bigint), ('q-PS-2', 2, 2)$$,
                  'keyword across all instances, in global order');
-- query_events turns enable_seqscan off for its keyword statement only: the caller's value is back after it.
SELECT is((SELECT count(*) FROM event_store.query_events(p_keyword => 'timeoutqx')) || ' ' || current_setting('enable_seqscan'),
          '2 on', 'a keyword query leaves enable_seqscan on');
SET LOCAL enable_seqscan = off;
SELECT is((SELECT count(*) FROM event_store.query_events(p_keyword => 'timeoutqx')) || ' ' || current_setting('enable_seqscan'),
          '2 off', 'and leaves a caller''s off as it was');
RESET enable_seqscan;
SELECT is((SELECT count(*) FROM event_store.query_events(p_keyword => 'timeoutqx')) || ' ' || current_setting('jit'),
          '2 ' || current_setting('jit'), 'jit, turned off inside query_events, is the caller''s again after it');
SELECT results_eq($$SELECT instance_id, sequence_num FROM event_store.query_events(p_keyword => 'a_b')$$,
                  $$VALUES ('q-PS-1', 3::bigint)$$, '_ is literal across all instances too');
SELECT results_eq($$SELECT instance_id, sequence_num FROM event_store.query_events(p_keyword => '100%')$$,
                  $$VALUES ('q-PS-1', 2::bigint)$$, '% is literal across all instances too');
SELECT is_empty($$SELECT * FROM event_store.query_events(p_keyword => '1%0')$$, 'no wildcard across all instances');
SELECT results_eq($$SELECT instance_id, sequence_num FROM event_store.query_events(p_keyword => 'back\slash')$$,
                  $$VALUES ('q-PS-1', 4::bigint)$$, 'backslash literal across all instances');
SELECT results_eq($$SELECT instance_id, sequence_num FROM event_store.query_events(p_keyword => 'timeoutqx', p_event_types => ARRAY['validation_failed'])$$,
                  $$VALUES ('q-PS-2', 2::bigint)$$, 'keyword and types across all instances');
SELECT throws_ok($$SELECT * FROM event_store.query_events(p_keyword => 'ab')$$, 'ES006', NULL,
                 'a keyword under 3 characters across all instances is ES006');

-- All instances, no filter: paged by the global_position index, counted by the stream heads.
SELECT results_eq($$SELECT global_position FROM event_store.query_events(p_limit => 1000)$$,
                  $$SELECT global_position FROM event_store.events ORDER BY global_position LIMIT 1000$$,
                  'all instances, no filter: every event in global order');
SELECT results_eq($$SELECT DISTINCT total_count FROM event_store.query_events()$$,
                  $$SELECT count(*) FROM event_store.events$$, 'all instances, no filter: total_count counts every event');
SELECT results_eq($$SELECT * FROM event_store.query_events(p_limit => 3, p_offset => 2)$$,
                  $$SELECT * FROM event_store.query_events(p_start_date => '-infinity', p_limit => 3, p_offset => 2)$$,
                  'all instances, no filter: the same page and counts as the filtered plan');
SELECT results_eq($$SELECT has_more FROM event_store.query_events(p_limit => 1,
                        p_offset => (SELECT count(*)::int - 2 FROM event_store.events))$$,
                  $$VALUES (true)$$, 'all instances, no filter: has_more before the last event');
SELECT results_eq($$SELECT has_more FROM event_store.query_events(p_limit => 1,
                        p_offset => (SELECT count(*)::int - 1 FROM event_store.events))$$,
                  $$VALUES (false)$$, 'all instances, no filter: no more after the last event');
SELECT is_empty($$SELECT * FROM event_store.query_events(p_offset => (SELECT count(*)::int FROM event_store.events))$$,
                'all instances, no filter: an offset past the end gives no rows');

-- get_latest_events
SELECT results_eq($$SELECT sequence_num FROM event_store.get_latest_events('q-PS-1', 2)$$, ARRAY[6, 5]::bigint[],
                  'latest events, newest first');
SELECT is((SELECT count(*) FROM event_store.get_latest_events('q-PS-1')), 6::bigint, 'default limit 10 returns all six');
SELECT throws_ok($$SELECT * FROM event_store.get_latest_events('q-PS-1', 0)$$, 'ES006', NULL, 'limit 0 is ES006');
SELECT throws_ok($$SELECT * FROM event_store.get_latest_events('q-PS-1', 1001)$$, 'ES006', NULL, 'limit 1001 is ES006');
SELECT throws_ok($$SELECT * FROM event_store.get_latest_events('q-nobody')$$, 'ES002', NULL, 'unknown instance is ES002');
SELECT throws_ok($$SELECT * FROM event_store.get_latest_events(NULL)$$, 'ES006', NULL, 'NULL instance is ES006');

-- get_event_by_id
SELECT results_eq($$SELECT e.instance_id, e.sequence_num FROM event_store.get_event_by_id(
                        (SELECT event_id FROM event_store.events WHERE instance_id = 'q-PS-1' AND sequence_num = 4)) e$$,
                  $$VALUES ('q-PS-1'::varchar, 4::bigint)$$, 'get_event_by_id returns the event');
SELECT is_empty($$SELECT * FROM event_store.get_event_by_id(gen_random_uuid())$$, 'an unknown id: no row');
SELECT throws_ok($$SELECT * FROM event_store.get_event_by_id(NULL)$$, 'ES006', NULL, 'NULL id is ES006');

-- get_event_count
SELECT is(event_store.get_event_count('q-PS-1'), 6::bigint, 'get_event_count');
SELECT is(event_store.get_event_count('q-dates'), 6::bigint, 'get_event_count of directly inserted events');
SELECT throws_ok($$SELECT event_store.get_event_count('q-nobody')$$, 'ES002', 'instance "q-nobody" not found', 'unknown instance is ES002');
SELECT throws_ok($$SELECT event_store.get_event_count(NULL)$$, 'ES006', NULL, 'NULL instance is ES006');

-- aggregate_events_by_type
SELECT results_eq($$SELECT * FROM event_store.aggregate_events_by_type('q-dates')$$,
                  $$VALUES ('test_passed', 'testing', 3::bigint), ('test_started', 'testing', 3::bigint)$$,
                  'counts per type of one instance, ties by type');
SELECT results_eq($$SELECT * FROM event_store.aggregate_events_by_type('q-dates', '2026-01-01 00:00+00', '2026-01-03 00:00+00')$$,
                  $$VALUES ('test_started', 'testing', 2::bigint), ('test_passed', 'testing', 1::bigint)$$,
                  'most frequent first, dates inclusive');
SELECT results_eq($$SELECT * FROM event_store.aggregate_events_by_type(NULL, '2026-01-04 00:00+00', '2026-01-04 00:00+00')$$,
                  $$VALUES ('test_passed', 'testing', 1::bigint)$$, 'across all instances within dates');
SELECT is((SELECT sum(event_count) FROM event_store.aggregate_events_by_type()),
          (SELECT count(*)::numeric FROM event_store.events), 'all instances: the counts add up to every event');
SELECT throws_ok($$SELECT * FROM event_store.aggregate_events_by_type('q-nobody')$$, 'ES002', NULL, 'unknown instance is ES002');
SELECT throws_ok($$SELECT * FROM event_store.aggregate_events_by_type('q-dates', '2026-02-01', '2026-01-01')$$, 'ES006', NULL,
                 'start after end is ES006');

-- list_event_types
SELECT is((SELECT count(*) FROM event_store.list_event_types()), (SELECT count(*) FROM event_store.event_types),
          'list_event_types lists every type');
SELECT results_eq($$SELECT event_type, category FROM event_store.list_event_types('git')$$,
                  $$VALUES ('commit_created', 'git'), ('pr_created', 'git'), ('pr_merged', 'git')$$, 'one category');
SELECT ok((SELECT data_schema ? 'required' FROM event_store.list_event_types('epic') WHERE event_type = 'epic_failed'),
          'rows carry the data schema');
SELECT throws_ok($$SELECT * FROM event_store.list_event_types('gti')$$, 'ES006', 'unknown category "gti"', 'an unknown category is ES006');

-- Keyword matching is literal on the values, never on the JSON text around them.
SELECT event_store.register_instance('q-esc-1', 'PS', 'odin');
SELECT event_store.emit_event('q-esc-1', 'commit_created', jsonb_build_object('commit_sha', 'abc', 'message', E'fix\tbug\nline2'));
SELECT event_store.emit_event('q-esc-1', 'commit_created', '{"commit_sha": "xyz", "message": "plain"}');
SELECT is((SELECT count(*)::int FROM event_store.query_events('q-esc-1', p_keyword => 'tbug')), 0,
          'a keyword does not match across an escape sequence (\t + "bug")');
SELECT is((SELECT count(*)::int FROM event_store.query_events('q-esc-1', p_keyword => 'nline')), 0,
          'nor across \n');
SELECT is((SELECT count(*)::int FROM event_store.query_events('q-esc-1', p_keyword => ' ')), 0,
          'a space does not match the separators between values');
SELECT is((SELECT count(*)::int FROM event_store.query_events('q-esc-1', p_keyword => E'x\tb')), 1,
          'a keyword with a real tab matches the value holding it');
SELECT is(event_store.count_events('q-esc-1', p_keyword => 'bug'), 1::bigint, 'count_events agrees');
SELECT event_store.emit_event('q-esc-1', 'commit_created',
                              jsonb_build_object('commit_sha', 'k1', 'message', 'keyesc', 'odd' || E'\t' || 'keyname', 'x'));
SELECT is((SELECT count(*)::int FROM event_store.query_events('q-esc-1', p_keyword => 'keyesc')), 1,
          'an escape in a key only: the value still matches');
SELECT is((SELECT count(*)::int FROM event_store.query_events(p_keyword => 'keyesc')), 1,
          'also across all instances');
SELECT is((SELECT count(*)::int FROM event_store.query_events('q-esc-1', p_keyword => 'keyname')), 0,
          'keys never match, escaped or not');
SELECT event_store.emit_event('q-esc-1', 'commit_created', '{"commit_sha": "k2", "message": "plain2"}',
                              jsonb_build_object('note', E'meta\tqzv'));
SELECT is((SELECT count(*)::int FROM event_store.query_events('q-esc-1', p_keyword => 'tqzv')), 0,
          'an escape in metadata: no match across it, one instance');
SELECT is((SELECT count(*)::int FROM event_store.query_events(p_keyword => 'tqzv')), 0,
          'nor across all instances (the trigram index path)');

SELECT * FROM finish();
ROLLBACK;
