-- register_instance, heartbeat, mark_stale_instances, list_instances.
BEGIN;
SELECT plan(32);

SELECT has_function('event_store', 'register_instance', ARRAY['text', 'text', 'text', 'jsonb']);
SELECT has_function('event_store', 'heartbeat', ARRAY['text', 'numeric']);
SELECT has_function('event_store', 'mark_stale_instances', ARRAY['interval']);
SELECT has_function('event_store', 'list_instances', ARRAY['text']);

-- register_instance
SELECT results_eq($$SELECT instance_id::text, instance_type, project, status, metadata, last_sequence_num
                     FROM event_store.register_instance('reg-PS-1', 'PS', 'odin', '{"host": "h1"}')$$,
                  $$VALUES ('reg-PS-1', 'PS', 'odin', 'active', '{"host": "h1"}'::jsonb, 1::bigint)$$,
                  'register_instance returns the new instance row');
SELECT is((SELECT event_data FROM event_store.events WHERE instance_id = 'reg-PS-1' AND sequence_num = 1),
          '{"instance_type": "PS", "project": "odin", "metadata": {"host": "h1"}}'::jsonb,
          'it emitted instance_registered with type, project and metadata');
UPDATE event_store.instances SET status = 'stale', registered_at = now() - interval '1 day' WHERE instance_id = 'reg-PS-1';
SELECT results_eq($$SELECT status, metadata, registered_at < now() - interval '1 hour', last_sequence_num
                     FROM event_store.register_instance('reg-PS-1', 'PS', 'odin')$$,
                  $$VALUES ('active', '{"host": "h1"}'::jsonb, true, 2::bigint)$$,
                  're-registering re-activates, keeps metadata and registered_at, emits again');
SELECT throws_ok($$SELECT event_store.register_instance('reg-XX-1', 'XS', 'odin')$$,
                 'ES006', 'invalid instance_type ''XS'': must be PS or MS', 'an unknown instance type is ES006');
SELECT throws_ok($$SELECT event_store.register_instance('reg-XX-1', NULL, 'odin')$$,
                 'ES006', 'invalid instance_type NULL: must be PS or MS', 'a NULL instance type is ES006');
SELECT throws_ok($$SELECT event_store.register_instance('reg-XX-1', 'PS', '  ')$$,
                 'ES006', 'project must not be empty', 'a blank project is ES006');
SELECT throws_ok($$SELECT event_store.register_instance(repeat('x', 33), 'PS', 'p')$$,
                 'ES006', NULL, 'a 33-character id is ES006');
SELECT throws_ok($$SELECT event_store.register_instance('reg-XX-1', 'PS', 'p', '"x"')$$,
                 'ES006', 'metadata must be a JSON object, got string', 'non-object metadata is ES006');
SELECT is((SELECT count(*)::int FROM event_store.instances WHERE instance_id = 'reg-XX-1'), 0, 'failed registrations wrote nothing');

-- heartbeat
UPDATE event_store.instances SET status = 'stale', last_heartbeat_at = now() - interval '1 hour' WHERE instance_id = 'reg-PS-1';
SELECT is((SELECT sequence_num FROM event_store.heartbeat('reg-PS-1', 42.5)), 3::bigint, 'heartbeat emits the next event');
SELECT results_eq($$SELECT status, last_heartbeat_at > now() - interval '1 minute' FROM event_store.instances WHERE instance_id = 'reg-PS-1'$$,
                  $$VALUES ('active', true)$$, 'heartbeat re-activates a stale instance and refreshes last_heartbeat_at');
SELECT is((SELECT event_data FROM event_store.events WHERE instance_id = 'reg-PS-1' AND sequence_num = 3),
          '{"context_percent": 42.5}'::jsonb, 'the heartbeat event carries context_percent');
SELECT event_store.heartbeat('reg-PS-1');
SELECT is((SELECT event_data FROM event_store.events WHERE instance_id = 'reg-PS-1' ORDER BY sequence_num DESC LIMIT 1),
          '{}'::jsonb, 'without context_percent the data is {}');
SELECT throws_ok($$SELECT event_store.heartbeat('reg-PS-1', 101)$$, 'ES006', 'context_percent must be between 0 and 100, got 101', 'context_percent over 100 is ES006');
SELECT throws_ok($$SELECT event_store.heartbeat('ghost-PS-0')$$, 'ES002', 'instance "ghost-PS-0" not found', 'heartbeat of an unknown instance is ES002');

-- mark_stale_instances
SELECT event_store.register_instance('stale-PS-1', 'PS', 'odin');
SELECT event_store.register_instance('stale-PS-2', 'PS', 'odin');
UPDATE event_store.instances SET last_heartbeat_at = now() - interval '10 minutes' WHERE instance_id LIKE 'stale-%';
UPDATE event_store.instances SET last_heartbeat_at = now() - interval '2 hours' WHERE instance_id NOT LIKE 'stale-%';
UPDATE event_store.instances SET last_heartbeat_at = clock_timestamp() WHERE instance_id = 'stale-PS-2';
SELECT results_eq($$SELECT instance_id, sequence_num FROM event_store.mark_stale_instances('5 minutes') WHERE instance_id LIKE 'stale-%'$$,
                  $$VALUES ('stale-PS-1', 2::bigint)$$, 'an instance without heartbeat for longer than the timeout is returned, with its stale event');
SELECT is((SELECT status FROM event_store.instances WHERE instance_id = 'stale-PS-1'), 'stale', 'and marked stale');
SELECT is((SELECT status FROM event_store.instances WHERE instance_id = 'stale-PS-2'), 'active', 'a recent heartbeat stays active');
SELECT ok((SELECT event_type = 'instance_stale' AND (event_data ->> 'timeout_seconds')::numeric = 300
                  AND (event_data ->> 'last_heartbeat_at')::timestamptz < now() - interval '9 minutes'
             FROM event_store.events WHERE instance_id = 'stale-PS-1' AND sequence_num = 2),
          'instance_stale carries last_heartbeat_at and timeout_seconds');
SELECT is_empty($$SELECT * FROM event_store.mark_stale_instances('5 minutes')$$, 'a second call marks nothing again');
SELECT throws_ok($$SELECT * FROM event_store.mark_stale_instances(NULL)$$, 'ES006', 'timeout must be an interval from 0 to 100 years, got NULL', 'a NULL timeout is ES006');
SELECT throws_ok($$SELECT * FROM event_store.mark_stale_instances('-1 minute')$$, 'ES006', NULL, 'a negative timeout is ES006');
SELECT throws_ok($$SELECT * FROM event_store.mark_stale_instances('1000000 years')$$, 'ES006', NULL, 'an absurd timeout is ES006, not a timestamp overflow');
SELECT throws_ok($$SELECT event_store.register_instance('reg-XX-2', 'PS', E' \t\n')$$, 'ES006', 'project must not be empty', 'a whitespace-only project is ES006');

-- list_instances
SELECT ok((SELECT array_agg(instance_id::text) @> ARRAY['stale-PS-1', 'stale-PS-2', 'reg-PS-1'] FROM event_store.list_instances()),
          'list_instances lists every instance');
SELECT is((SELECT array_agg(instance_id::text) FROM event_store.list_instances('stale') WHERE instance_id LIKE 'stale-%'),
          ARRAY['stale-PS-1'], 'list_instances filters by status');
SELECT throws_ok($$SELECT * FROM event_store.list_instances('zombie')$$, 'ES006', 'invalid status "zombie": must be active or stale', 'an unknown status is ES006');

SELECT is((SELECT count(*)::int FROM event_store.mark_stale_instances('0') WHERE instance_id = 'stale-PS-2'), 1, 'a zero timeout is allowed (mark every silent instance now)');

SELECT * FROM finish();
ROLLBACK;
