-- count_events: query_events' total_count on its own, also where a page is empty.
BEGIN;
SELECT plan(18);

SELECT has_function('event_store', 'count_events',
                    ARRAY['text', 'text[]', 'timestamp with time zone', 'timestamp with time zone', 'text', 'bigint']);
SELECT function_returns('event_store', 'count_events',
                        ARRAY['text', 'text[]', 'timestamp with time zone', 'timestamp with time zone', 'text', 'bigint'], 'bigint');
SELECT is_definer('event_store', 'count_events',
                  ARRAY['text', 'text[]', 'timestamp with time zone', 'timestamp with time zone', 'text', 'bigint']);
SELECT ok(bool_and(has_function_privilege(r, 'event_store.count_events(text, text[], timestamptz, timestamptz, text, bigint)', 'EXECUTE')),
          'reader, writer and admin may execute count_events')
  FROM unnest(ARRAY['event_store_reader', 'event_store_writer', 'event_store_admin']) r;
SELECT ok(NOT has_function_privilege('public', 'event_store.count_events(text, text[], timestamptz, timestamptz, text, bigint)', 'EXECUTE'),
          'PUBLIC may not execute count_events');

SELECT lives_ok($$SELECT event_store.register_instance('c-PS-1', 'PS', 'odin')$$, 'register c-PS-1');
SELECT lives_ok($$SELECT event_store.emit_events('c-PS-1', '[
    {"event_type": "test_started", "event_data": {"test_suite": "unit"}},
    {"event_type": "test_failed", "event_data": {"test_suite": "unit", "error": "Timeout_50%"}},
    {"event_type": "test_passed", "event_data": {"test_suite": "unit"}},
    {"event_type": "commit_created", "event_data": {"commit_sha": "abc", "message": "fix timeout_50% bug", "branch": "main"}}]')$$,
                'emit four events');

SELECT is(event_store.count_events('c-PS-1'), 5::bigint, 'no filter: every event of the instance (with instance_registered)');
SELECT is(event_store.count_events('c-PS-1'),
          (SELECT total_count FROM event_store.query_events('c-PS-1') LIMIT 1), 'equals query_events'' total_count');
SELECT is(event_store.count_events('c-PS-1', ARRAY['test_passed', 'test_failed']), 2::bigint, 'type filter');
SELECT is(event_store.count_events('c-PS-1', p_keyword => 'TIMEOUT_50%'), 2::bigint, 'literal keyword');
SELECT is(event_store.count_events('c-PS-1', p_after_sequence => 3), 2::bigint, 'after a sequence number');
SELECT is(event_store.count_events('c-PS-1', p_start_date => now() + interval '1 hour'), 0::bigint,
          'no match: 0, not NULL');
SELECT is(event_store.count_events(p_keyword => 'timeout_50%'), 2::bigint, 'across all instances');

SELECT throws_ok($$SELECT event_store.count_events('c-nobody')$$, 'ES002', 'instance "c-nobody" not found',
                 'unknown instance is ES002');
SELECT throws_ok($$SELECT event_store.count_events('c-PS-1', ARRAY['test_faild'])$$, 'ES001', NULL,
                 'unknown event type is ES001');
SELECT throws_ok($$SELECT event_store.count_events(p_keyword => 'ab')$$, 'ES006', NULL,
                 'a keyword under 3 characters across all instances is ES006');
SELECT throws_ok($$SELECT event_store.count_events('c-PS-1', p_after_sequence => -1)$$, 'ES006', NULL,
                 'a negative after_sequence is ES006');

SELECT * FROM finish();
ROLLBACK;
