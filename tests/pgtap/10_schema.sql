-- Tables, columns, constraints, indexes and the seeded event types.
BEGIN;
SELECT plan(46);

SELECT has_table('event_store', 'instances', 'instances table exists');
SELECT has_table('event_store', 'event_types', 'event_types table exists');
SELECT has_table('event_store', 'events', 'events table exists');

SELECT col_is_pk('event_store', 'instances', 'instance_id', 'instances.instance_id is the primary key');
SELECT col_type_is('event_store', 'instances', 'instance_id', 'character varying(32)', 'instance_id is varchar(32)');
SELECT columns_are('event_store', 'instances',
    ARRAY['instance_id', 'instance_type', 'project', 'status', 'registered_at', 'last_heartbeat_at',
          'metadata', 'last_sequence_num', 'last_feed_key'], 'instances has the registry columns and the stream head');
SELECT col_is_pk('event_store', 'event_types', 'event_type', 'event_types.event_type is the primary key');
SELECT columns_are('event_store', 'event_types',
    ARRAY['event_type', 'category', 'description', 'data_schema', 'created_at', 'validator'], 'event_types columns (validator: data_schema compiled to jsonpath)');

SELECT columns_are('event_store', 'events',
    ARRAY['event_id', 'instance_id', 'event_type', 'sequence_num', 'timestamp', 'event_data', 'metadata',
          'created_at', 'updated_at', 'global_position', 'transaction_id', 'feed_key'], 'events has the seed columns plus position, xid and feed key');
SELECT col_is_pk('event_store', 'events', 'event_id', 'events.event_id is the primary key');
SELECT col_type_is('event_store', 'events', 'event_id', 'uuid', 'event_id is uuid');
SELECT col_default_is('event_store', 'events', 'event_id', 'gen_random_uuid()', 'event_id defaults to gen_random_uuid()');
SELECT col_default_is('event_store', 'events', 'created_at', 'now()', 'created_at and updated_at default to now(), so direct inserts by the owner satisfy updated_at = created_at');
SELECT col_type_is('event_store', 'events', 'sequence_num', 'bigint', 'sequence_num is bigint');
SELECT col_type_is('event_store', 'events', 'event_data', 'jsonb', 'event_data is jsonb');
SELECT col_type_is('event_store', 'events', 'global_position', 'bigint', 'global_position is bigint');
SELECT ok((SELECT attidentity = 'a' FROM pg_attribute
            WHERE attrelid = 'event_store.events'::regclass AND attname = 'global_position'),
          'global_position is GENERATED ALWAYS AS IDENTITY');
SELECT col_type_is('event_store', 'events', 'transaction_id', 'xid8', 'transaction_id is xid8');
SELECT col_default_is('event_store', 'events', 'transaction_id', 'pg_current_xact_id()', 'transaction_id defaults to pg_current_xact_id()');
-- No foreign keys on the write path (issue 12): instances and event types are never deleted instead.
SELECT is_empty($$SELECT c.conname FROM pg_constraint c WHERE c.conrelid = 'event_store.events'::regclass AND c.contype = 'f'$$,
                'events has no foreign key (emit checks the instance and the type; neither is ever deleted)');
SELECT throws_ok($$DELETE FROM event_store.event_types WHERE event_type = 'commit_created'$$, 'ES005', NULL,
                 'event types are never deleted (events refer to them)');
SELECT col_is_unique('event_store', 'events', ARRAY['instance_id', 'sequence_num'], 'UNIQUE (instance_id, sequence_num)');
SELECT throws_ok($$DELETE FROM event_store.instances$$, 'ES005', NULL, 'instances are never deleted (events refer to them)');
SELECT has_index('event_store', 'fleet_index', 'fleet_index_type_idx', ARRAY['event_type', 'global_position'],
                 'fleet-wide type index on the projection, not on events');
SELECT is(ARRAY(SELECT i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = 'event_store.events'::regclass ORDER BY 1),
          ARRAY['event_store.events_feed_key_idx', 'event_store.events_global_position_idx',
                'event_store.events_instance_sequence_unique', 'event_store.events_instance_type_timestamp_idx',
                'event_store.events_pkey'],
          'events carries only the write path''s indexes (the fleet-wide ones are on fleet_index)');
SELECT has_index('event_store', 'events', 'events_global_position_idx', ARRAY['global_position'], 'index (global_position)');

-- Constraints refuse what the functions never write.
SELECT throws_ok($$INSERT INTO event_store.instances (instance_id, instance_type, project) VALUES ('bad id!', 'PS', 'p')$$,
                 '23514', NULL, 'instance ids outside [A-Za-z0-9_.-] are refused by a CHECK');
SELECT throws_ok($$INSERT INTO event_store.instances (instance_id, instance_type, project) VALUES ('ok', 'XX', 'p')$$,
                 '23514', NULL, 'instance_type must be PS or MS');
SELECT throws_ok($$INSERT INTO event_store.instances (instance_id, instance_type, project) VALUES ('ok', 'PS', ' ')$$,
                 '23514', NULL, 'project must not be blank');
SELECT throws_ok($$INSERT INTO event_store.instances (instance_id, instance_type, project, metadata) VALUES ('ok', 'PS', 'p', '[]')$$,
                 '23514', NULL, 'instance metadata must be an object');
INSERT INTO event_store.instances (instance_id, instance_type, project) VALUES ('schema-t1', 'PS', 'p');
SELECT throws_ok($$UPDATE event_store.instances SET status = 'zombie' WHERE instance_id = 'schema-t1'$$,
                 '23514', NULL, 'status must be active or stale, also on UPDATE');
SELECT throws_ok($$UPDATE event_store.instances SET project = '' WHERE instance_id = 'schema-t1'$$,
                 '23514', 'project must not be empty', 'project must not be blank, also on UPDATE');
SELECT throws_ok($$UPDATE event_store.instances SET metadata = '[]', last_sequence_num = 7 WHERE instance_id = 'schema-t1'$$,
                 '23514', 'metadata must be a JSON object, got array', 'metadata must be an object, also on UPDATE with the head');
SELECT throws_ok($$UPDATE event_store.instances SET instance_type = 'XX' WHERE instance_id = 'schema-t1'$$,
                 '23514', 'invalid instance_type "XX": must be PS or MS', 'instance_type must be PS or MS, also on UPDATE');
SELECT throws_ok($$UPDATE event_store.instances SET instance_id = 'bad id!' WHERE instance_id = 'schema-t1'$$,
                 '23514', NULL, 'instance ids must stay well-formed, also on UPDATE');
SELECT lives_ok($$UPDATE event_store.instances SET last_sequence_num = last_sequence_num + 1 WHERE instance_id = 'schema-t1'$$,
                'a stream-head bump is not held up by the row rules');
-- A BEFORE UPDATE row trigger would lock the row again on every head bump (tgtype: 1 row, 2 before, 16 update).
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'event_store.instances'::regclass AND NOT tgisinternal AND tgtype & 19 = 19), 0,
          'no BEFORE UPDATE row trigger on instances');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'event_store.instances'::regclass AND tgname = 'instances_check_row_update'),
          'CREATE TRIGGER instances_check_row_update AFTER UPDATE OF instance_id, instance_type, project, status, metadata ON event_store.instances FOR EACH ROW EXECUTE FUNCTION event_store._check_instance_row()',
          'the row rules on UPDATE: AFTER, only for the checked columns (never last_sequence_num)');
SELECT throws_ok($$INSERT INTO event_store.events (instance_id, event_type, sequence_num, event_data) VALUES ('schema-t1', 'epic_started', 1, '[1]')$$,
                 '23514', NULL, 'event_data must be an object');
SELECT throws_ok($$INSERT INTO event_store.events (instance_id, event_type, sequence_num, event_data, created_at, updated_at)
                   VALUES ('schema-t1', 'epic_started', 1, '{}', now(), now() + interval '1 s')$$,
                 '23514', NULL, 'updated_at must equal created_at');

-- The 23 seeded types, by category.
SELECT is((SELECT count(*)::int FROM event_store.event_types
            WHERE event_type IN ('instance_registered', 'instance_heartbeat', 'instance_stale', 'epic_started',
                  'epic_completed', 'epic_failed', 'test_started', 'test_passed', 'test_failed', 'validation_passed',
                  'validation_failed', 'commit_created', 'pr_created', 'pr_merged', 'deployment_started',
                  'deployment_completed', 'deployment_failed', 'context_window_updated', 'checkpoint_created',
                  'checkpoint_loaded', 'epic_planned', 'feature_requested', 'task_spawned')), 23,
          'the 23 built-in event types are seeded');
SELECT set_eq($$SELECT DISTINCT category FROM event_store.event_types$$,
              ARRAY['instance', 'epic', 'testing', 'git', 'deployment', 'work_state', 'planning'],
              'the seven categories');
SELECT set_eq($$SELECT event_type || ':' || coalesce((SELECT string_agg(r, ',' ORDER BY r)
                                                      FROM jsonb_array_elements_text(data_schema -> 'required') r), '')
                 FROM event_store.event_types$$,
              ARRAY['instance_registered:instance_type,project', 'instance_heartbeat:',
                    'instance_stale:last_heartbeat_at,timeout_seconds', 'epic_started:epic_id', 'epic_completed:epic_id',
                    'epic_failed:epic_id,reason', 'test_started:test_suite', 'test_passed:test_suite',
                    'test_failed:test_suite', 'validation_passed:validation_type',
                    'validation_failed:reason,validation_type', 'commit_created:commit_sha,message',
                    'pr_created:pr_number,title', 'pr_merged:pr_number', 'deployment_started:deployment_id,environment',
                    'deployment_completed:deployment_id,environment',
                    'deployment_failed:deployment_id,environment,reason', 'context_window_updated:usage_percent',
                    'checkpoint_created:checkpoint_id', 'checkpoint_loaded:checkpoint_id', 'epic_planned:epic_id',
                    'feature_requested:feature_name', 'task_spawned:task_id,task_type'],
              'each type requires exactly the fields of the specification');
SELECT is((SELECT data_schema #> '{properties,instance_type,enum}' FROM event_store.event_types
            WHERE event_type = 'instance_registered'), '["PS", "MS"]'::jsonb, 'instance_type is an enum of PS, MS');
SELECT is((SELECT data_schema #> '{properties,pr_number,type}' FROM event_store.event_types
            WHERE event_type = 'pr_merged'), '"integer"'::jsonb, 'pr_number is an integer');
SELECT is((SELECT data_schema #> '{properties,usage_percent}' FROM event_store.event_types
            WHERE event_type = 'context_window_updated'),
          '{"type": "number", "minimum": 0, "maximum": 100}'::jsonb, 'usage_percent is a number 0-100');

SELECT * FROM finish();
ROLLBACK;
