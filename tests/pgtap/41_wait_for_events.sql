-- wait_for_events: the feed's wake-up. Inside one transaction only what does not need another
-- session's commit: same rows as read_all when there are events, a timed-out wait, the errors,
-- the privileges. Waking up on another session's commit is tested in tests/python/test_feed.py.
BEGIN;
SELECT plan(9);

SELECT has_function('event_store', 'wait_for_events',
                    ARRAY['text', 'double precision', 'integer', 'text[]', 'text[]', 'text']);
SELECT is_definer('event_store', 'wait_for_events',
                  ARRAY['text', 'double precision', 'integer', 'text[]', 'text[]', 'text']);
SELECT ok(has_function_privilege('event_store_reader',
              'event_store.wait_for_events(text,double precision,integer,text[],text[],text)', 'EXECUTE')
          AND NOT has_function_privilege('public',
              'event_store.wait_for_events(text,double precision,integer,text[],text[],text)', 'EXECUTE'),
          'readers may wait; PUBLIC may not');

-- Committed events (the upgrade test's, or this one's own set-up) are returned at once, as read_all does.
SELECT results_eq($$SELECT cursor FROM event_store.wait_for_events(NULL, 0, 3)$$,
                  $$SELECT cursor FROM event_store.read_all(NULL, 3)$$,
                  'with events after the cursor it returns read_all''s page');

-- Nothing after the end: it waits the whole timeout, then returns no rows.
CREATE TEMP TABLE t_last AS
    SELECT (array_agg(cursor))[count(*)] AS cursor, clock_timestamp() AS started
      FROM event_store.read_all(NULL, 10000);
SELECT is((SELECT count(*) FROM event_store.wait_for_events((SELECT cursor FROM t_last), 0.2)), 0::bigint,
          'after the last committed event it returns no rows');
SELECT ok(clock_timestamp() - (SELECT started FROM t_last) >= interval '0.2 seconds',
          'and it waited the whole timeout first');

SELECT throws_ok($$SELECT * FROM event_store.wait_for_events(NULL, 61)$$, 'ES006',
                 'timeout_seconds must be between 0 and 60, got 61', 'more than a minute is ES006');
SELECT throws_ok($$SELECT * FROM event_store.wait_for_events(NULL, 'NaN')$$, 'ES006', NULL, 'NaN is ES006');
SELECT throws_ok($$SELECT * FROM event_store.wait_for_events(NULL, -1)$$, 'ES006', NULL, 'a negative wait is ES006');

SELECT * FROM finish();
ROLLBACK;
