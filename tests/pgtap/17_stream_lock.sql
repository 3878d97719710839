-- The stream lock: every function that locks an instance's row takes the instance's stream lock
-- (a row lock on its row in the owner-only table stream_locks) first, and mark_stale_instances
-- only tries it. Instances are inserted directly (as the owner) so no function has locked their
-- streams before the call under test. pgrowlocks (contrib) shows the row locks held.
BEGIN;
SELECT plan(21);

CREATE EXTENSION IF NOT EXISTS pgrowlocks;
CREATE FUNCTION pg_temp.holds_stream_lock(p_instance_id text) RETURNS boolean LANGUAGE sql AS $$
    SELECT EXISTS (SELECT FROM event_store.stream_locks s, pgrowlocks('event_store.stream_locks') r
                    WHERE s.instance_id = p_instance_id AND r.locked_row = s.ctid
                      AND 'For Update' = ANY (r.modes))   -- no other session runs: the lock is ours
$$;

SELECT has_function('event_store', '_lock_stream', ARRAY['text']);
SELECT has_function('event_store', '_try_lock_stream', ARRAY['text']);
SELECT ok(NOT has_function_privilege('event_store_admin', 'event_store._lock_stream(text)', 'EXECUTE'),
          'the stream lock is internal: no role may call it directly');
SELECT ok(NOT has_table_privilege('event_store_admin', 'event_store.stream_locks', 'SELECT, UPDATE'),
          'no role but the owner can read or lock stream_locks rows');
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'event_store'::regnamespace
                                                         AND p.prosrc LIKE '%advisory%lock%'), 0,
          'no function takes an advisory lock');

INSERT INTO event_store.instances (instance_id, instance_type, project, last_heartbeat_at)
SELECT 'lk-' || n, 'PS', 'locks', CASE WHEN n = 'stale' THEN now() - interval '1 day' ELSE now() END
  FROM unnest(ARRAY['emit', 'retry', 'batch', 'hb', 'del', 'stale', 'idle']) n;

SELECT ok(NOT pg_temp.holds_stream_lock('lk-emit'), 'no stream lock before the first call');
SELECT lives_ok($$SELECT event_store.emit_event('lk-emit', 'epic_started', '{"epic_id": "E-1"}')$$, 'emit_event');
SELECT ok(pg_temp.holds_stream_lock('lk-emit'), 'emit_event holds the stream lock until the transaction ends');
SELECT lives_ok($$SELECT event_store.emit_event('lk-retry', 'epic_started', '{"epic_id": "E-1"}', NULL, gen_random_uuid())$$,
                'emit_event with an event_id');
SELECT ok(pg_temp.holds_stream_lock('lk-retry'), 'emit_event with an event_id holds it too');
SELECT lives_ok($$SELECT event_store.emit_events('lk-batch', '[{"event_type": "epic_started", "event_data": {"epic_id": "E-1"}}]')$$,
                'emit_events');
SELECT ok(pg_temp.holds_stream_lock('lk-batch'), 'emit_events holds it');
SELECT lives_ok($$SELECT event_store.heartbeat('lk-hb')$$, 'heartbeat');
SELECT ok(pg_temp.holds_stream_lock('lk-hb'), 'heartbeat holds it');
SELECT lives_ok($$SELECT event_store.delete_events_for_instance('lk-del')$$, 'delete_events_for_instance');
SELECT ok(pg_temp.holds_stream_lock('lk-del'), 'delete_events_for_instance holds it');
SELECT lives_ok($$SELECT event_store.register_instance('lk-reg', 'PS', 'locks')$$, 'register_instance');
SELECT ok(pg_temp.holds_stream_lock('lk-reg'), 'register_instance holds it');
SELECT results_eq($$SELECT instance_id::text FROM event_store.mark_stale_instances('1 hour')$$,
                  $$VALUES ('lk-stale')$$, 'mark_stale_instances marks the silent instance');
SELECT ok(pg_temp.holds_stream_lock('lk-stale'), 'mark_stale_instances holds the stream lock of what it marked');

-- The order, in the code: the stream lock comes before the first statement on instances.
SELECT is(array_agg(p.proname::text ORDER BY p.proname), NULL,
          'every function that touches an instances row takes the stream lock first')
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace = 'event_store'::regnamespace
   AND p.proname IN ('emit_event', '_bump_head', 'register_instance', 'heartbeat',
                     'delete_events_for_instance', 'mark_stale_instances')
   AND NOT (pg_catalog.strpos(p.prosrc, 'lock_stream(') BETWEEN 1 AND
            least(nullif(pg_catalog.strpos(p.prosrc, 'FOR NO KEY UPDATE'), 0),
                  nullif(pg_catalog.strpos(p.prosrc, 'UPDATE event_store.instances'), 0),
                  nullif(pg_catalog.strpos(p.prosrc, 'INSERT INTO event_store.instances'), 0)));

SELECT * FROM finish();
ROLLBACK;
