-- The change feed (read_all) and subscriptions: signatures, privileges, errors, and what can be
-- checked inside one transaction (the feed shows only events below the transaction horizon, so
-- this transaction's own events never appear: the behaviour over committed events is tested in
-- tests/python/test_feed.py and test_subscriptions.py).
BEGIN;
SELECT plan(53);

-- Signatures, definer, privileges.
SELECT has_function('event_store', 'read_all', ARRAY['text', 'integer', 'text[]', 'text[]', 'text']);
SELECT is_definer('event_store', 'read_all', ARRAY['text', 'integer', 'text[]', 'text[]', 'text']);
SELECT has_function('event_store', 'create_subscription',
                    ARRAY['text', 'text', 'text[]', 'text[]', 'text', 'integer', 'interval']);
SELECT has_function('event_store', 'poll_subscription', ARRAY['text', 'integer', 'integer']);
SELECT has_function('event_store', 'ack_subscription', ARRAY['text', 'text', 'integer']);
SELECT has_function('event_store', 'drop_subscription', ARRAY['text']);
SELECT has_function('event_store', 'list_subscriptions', ARRAY[]::text[]);

SELECT is(array_agg(f ORDER BY f), ARRAY['list_subscriptions()', 'poll_subscription(text,integer,integer)',
                                          'read_all(text,integer,text[],text[],text)'],
          'the reader may read_all, poll and list, nothing else of the feed')
  FROM unnest(ARRAY['read_all(text,integer,text[],text[],text)', 'poll_subscription(text,integer,integer)',
                    'list_subscriptions()', 'ack_subscription(text,text,integer)',
                    'create_subscription(text,text,text[],text[],text,integer,interval)', 'drop_subscription(text)']) f
 WHERE has_function_privilege('event_store_reader', 'event_store.' || f, 'EXECUTE');
SELECT ok(has_function_privilege('event_store_writer', 'event_store.ack_subscription(text,text,integer)', 'EXECUTE')
          AND has_function_privilege('event_store_writer',
                                     'event_store.create_subscription(text,text,text[],text[],text,integer,interval)', 'EXECUTE')
          AND NOT has_function_privilege('event_store_writer', 'event_store.drop_subscription(text)', 'EXECUTE'),
          'the writer may create and ack, not drop');
SELECT ok(has_function_privilege('event_store_admin', 'event_store.drop_subscription(text)', 'EXECUTE'),
          'the admin may drop');

-- Feed keys are written by both emit paths.
SELECT lives_ok($$SELECT event_store.register_instance('f-PS-1', 'PS', 'feed')$$, 'register f-PS-1');
SELECT lives_ok($$SELECT event_store.register_instance('f-PS-2', 'PS', 'other')$$, 'register f-PS-2');
SELECT lives_ok($$SELECT event_store.emit_events('f-PS-1', '[{"event_type": "epic_started", "event_data": {"epic_id": "E1"}},
                                                           {"event_type": "epic_completed", "event_data": {"epic_id": "E1"}}]')$$,
                'emit_events');
SELECT lives_ok($$SELECT event_store.emit_events('f-PS-1', '[{"event_type": "epic_started", "event_data": {"epic_id": "E2"},
                                                            "event_id": "00000000-0000-4000-8000-000000000001"}]')$$,
                'emit_events with a client id (the element-by-element path)');
SELECT lives_ok($$SELECT event_store.emit_event('f-PS-2', 'epic_started', '{"epic_id": "E3"}',
                                                p_event_id => '00000000-0000-4000-8000-000000000002')$$,
                'emit_event with a client id');
SELECT is((SELECT count(*) FROM event_store.events WHERE instance_id IN ('f-PS-1', 'f-PS-2')
                                                    AND feed_key = pg_current_xact_id()),
          6::bigint, 'every path stores feed_key (here: this transaction''s id, no older key on the streams)');
SELECT is((SELECT last_feed_key FROM event_store.instances WHERE instance_id = 'f-PS-1'), pg_current_xact_id(),
          'the stream head carries the feed key');
SELECT is_empty($$SELECT * FROM event_store.read_all() WHERE instance_id LIKE 'f-PS-%'$$,
                'read_all does not show events of a transaction still open (here: our own)');
SELECT is((SELECT count(*) FROM event_store._feed_page('0', 0, (pg_current_xact_id()::text::numeric + 1)::text::xid8, 100, NULL, ARRAY['f-PS-1'],
                                                        NULL, 1, 0)),
          4::bigint, 'below a later horizon, the feed page has them');
SELECT results_eq($$SELECT sequence_num FROM event_store._feed_page('0', 0, (pg_current_xact_id()::text::numeric + 1)::text::xid8, 100, NULL,
                                                                     ARRAY['f-PS-1'], NULL, 1, 0)$$,
                  $$VALUES (1::bigint), (2), (3), (4)$$, 'in sequence order');
SELECT is((SELECT count(*) FROM event_store._feed_page('0', 0, (pg_current_xact_id()::text::numeric + 1)::text::xid8, 100, ARRAY['epic_started'],
                                                        NULL, 'other', 1, 0)),
          1::bigint, 'type and project filters');

-- Cursors.
SELECT is(event_store._feed_position(event_store._feed_cursor('123', 45)), ROW('123'::xid8, 45::bigint),
          'a cursor decodes to its position');
SELECT throws_ok($$SELECT * FROM event_store.read_all('garbage')$$, 'ES006', NULL, 'a malformed cursor is ES006');
SELECT throws_ok($$SELECT * FROM event_store.read_all('f1.123.46.' || right(event_store._feed_cursor('123', 45), 8))$$,
                 'ES006', NULL, 'an edited cursor (checksum mismatch) is ES006');
SELECT throws_ok($$SELECT * FROM event_store.read_all('f1.123.45.' || left(md5('f1.123.45.other_db'), 8))$$,
                 'ES006', NULL, 'a cursor of another database is ES006');
SELECT throws_ok($$SELECT * FROM event_store.read_all('f1.99999999999999999999.1.00000000')$$, 'ES006', NULL,
                 'an out-of-range cursor is ES006');
SELECT throws_ok($$SELECT * FROM event_store.read_all(NULL, 0)$$, 'ES006', NULL, 'limit 0 is ES006');
SELECT throws_ok($$SELECT * FROM event_store.read_all(NULL, 10001)$$, 'ES006', NULL, 'limit over 10000 is ES006');
SELECT throws_ok($$SELECT * FROM event_store.read_all(p_event_types => ARRAY['epic_strated'])$$, 'ES001', NULL,
                 'an unknown type in the filter is ES001');
SELECT throws_ok($$SELECT * FROM event_store.read_all(p_instance_ids => ARRAY['f-nobody'])$$, 'ES002', NULL,
                 'an unknown instance in the filter is ES002');
SELECT throws_ok($$SELECT * FROM event_store.read_all(p_instance_ids => ARRAY['bad id'])$$, 'ES006', NULL,
                 'a malformed instance id in the filter is ES006');

-- Subscriptions: bad input changes nothing.
SELECT is((SELECT created FROM event_store.create_subscription('f-sub', p_project => 'feed')), true, 'create');
SELECT is((SELECT created FROM event_store.create_subscription('f-sub', p_project => 'feed')), false,
          'the same definition again returns the existing one');
SELECT throws_ok($$SELECT * FROM event_store.create_subscription('f-sub', p_project => 'other')$$, 'ES007', NULL,
                 'the same name with another definition is ES007');
SELECT throws_ok($$SELECT * FROM event_store.create_subscription('f-bad', 'tomorrow-ish')$$, 'ES006', NULL,
                 'a start that is no keyword, cursor or time is ES006');
SELECT throws_ok($$SELECT * FROM event_store.create_subscription('bad name')$$, 'ES006', NULL, 'a malformed name is ES006');
SELECT throws_ok($$SELECT * FROM event_store.poll_subscription('f-nosuch')$$, 'ES008', 'subscription "f-nosuch" not found',
                 'an unknown subscription is ES008');
SELECT throws_ok($$SELECT * FROM event_store.poll_subscription('f-sub', 100, 1)$$, 'ES006', NULL,
                 'a member outside the group is ES006');
SELECT lives_ok($$SELECT * FROM event_store.poll_subscription('f-sub')$$, 'poll (claims slot 0 for member 0)');
SELECT throws_ok($$SELECT * FROM event_store.ack_subscription('f-sub', event_store._feed_cursor('0', 0))$$, 'ES006', NULL,
                 'an ack to a cursor that names no event is ES006');
SELECT throws_ok($$SELECT * FROM event_store.ack_subscription('f-sub',
                     (SELECT event_store._feed_cursor(feed_key, global_position) FROM event_store.events
                       WHERE instance_id = 'f-PS-1' AND sequence_num = 2))$$, 'ES006', NULL,
                 'an ack beyond what was delivered is ES006');
SELECT throws_ok($$SELECT * FROM event_store.ack_subscription('f-nosuch', event_store._feed_cursor('0', 0))$$, 'ES008', NULL,
                 'an ack to an unknown subscription is ES008');
SELECT is((SELECT checkpoint FROM event_store.list_subscriptions() WHERE subscription_name = 'f-sub'),
          event_store._feed_cursor('0', 0), 'after all that the checkpoint is still at the beginning');
SELECT throws_ok($$SELECT event_store.drop_subscription('f-nosuch')$$, 'ES008', NULL, 'dropping an unknown one is ES008');

-- feed_cursor: where read_all starts (the start points of create_subscription).
SELECT has_function('event_store', 'feed_cursor', ARRAY['text']);
SELECT is_definer('event_store', 'feed_cursor', ARRAY['text']);
SELECT ok(has_function_privilege('event_store_reader', 'event_store.feed_cursor(text)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'event_store.feed_cursor(text)', 'EXECUTE'),
          'the reader may call feed_cursor, PUBLIC may not');
SELECT is(event_store.feed_cursor('beginning'), event_store._feed_cursor('0', 0), 'beginning is the start of the feed');
SELECT is(event_store.feed_cursor(NULL), event_store._feed_cursor('0', 0), 'NULL is the beginning too');
SELECT is(event_store.feed_cursor(), event_store._feed_cursor(pg_snapshot_xmin(pg_current_snapshot()), 0),
          'the default, end, is the transaction horizon');
SELECT is(event_store.feed_cursor(event_store._feed_cursor('123', 45)), event_store._feed_cursor('123', 45),
          'a good cursor comes back unchanged');
SELECT throws_ok($$SELECT event_store.feed_cursor('f1.123.46.' || right(event_store._feed_cursor('123', 45), 8))$$,
                 'ES006', NULL, 'an edited cursor is ES006');
SELECT throws_ok($$SELECT event_store.feed_cursor('yesterday-ish')$$, 'ES006', NULL, 'a start that is none of them is ES006');

SELECT * FROM finish();
ROLLBACK;
