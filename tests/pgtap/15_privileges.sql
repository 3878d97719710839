-- What each role may execute (membership is inherited: admin > writer > reader).
BEGIN;
SELECT plan(25);

SELECT has_role('event_store_reader');
SELECT has_role('event_store_writer');
SELECT has_role('event_store_admin');
SELECT ok(NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'event_store_reader'), 'reader is NOLOGIN');
SELECT is_member_of('event_store_reader', 'event_store_writer');
SELECT is_member_of('event_store_writer', 'event_store_admin');

SELECT function_privs_are('event_store', 'emit_event', ARRAY['text', 'text', 'jsonb', 'jsonb', 'uuid', 'bigint'], 'event_store_reader', '{}'::text[]);
SELECT function_privs_are('event_store', 'emit_event', ARRAY['text', 'text', 'jsonb', 'jsonb', 'uuid', 'bigint'], 'event_store_writer', ARRAY['EXECUTE']);
SELECT function_privs_are('event_store', 'emit_events', ARRAY['text', 'jsonb', 'bigint'], 'event_store_reader', '{}'::text[]);
SELECT function_privs_are('event_store', 'emit_events', ARRAY['text', 'jsonb', 'bigint'], 'event_store_writer', ARRAY['EXECUTE']);
SELECT function_privs_are('event_store', 'register_instance', ARRAY['text', 'text', 'text', 'jsonb'], 'event_store_reader', '{}'::text[]);
SELECT function_privs_are('event_store', 'register_instance', ARRAY['text', 'text', 'text', 'jsonb'], 'event_store_writer', ARRAY['EXECUTE']);
SELECT function_privs_are('event_store', 'heartbeat', ARRAY['text', 'numeric'], 'event_store_reader', '{}'::text[]);
SELECT function_privs_are('event_store', 'heartbeat', ARRAY['text', 'numeric'], 'event_store_writer', ARRAY['EXECUTE']);
SELECT function_privs_are('event_store', 'mark_stale_instances', ARRAY['interval'], 'event_store_writer', ARRAY['EXECUTE']);
SELECT function_privs_are('event_store', 'list_instances', ARRAY['text'], 'event_store_reader', ARRAY['EXECUTE']);
SELECT function_privs_are('event_store', 'register_event_type', ARRAY['text', 'text', 'text', 'jsonb'], 'event_store_writer', '{}'::text[]);
SELECT function_privs_are('event_store', 'register_event_type', ARRAY['text', 'text', 'text', 'jsonb'], 'event_store_admin', ARRAY['EXECUTE']);
SELECT function_privs_are('event_store', 'delete_events_for_instance', ARRAY['text'], 'event_store_writer', '{}'::text[]);
SELECT function_privs_are('event_store', 'delete_events_for_instance', ARRAY['text'], 'event_store_admin', ARRAY['EXECUTE']);

-- The privileges work through SET ROLE (functions are SECURITY DEFINER: no table access needed).
SET LOCAL ROLE event_store_writer;
SELECT lives_ok($$SELECT event_store.register_instance('priv-PS-1', 'PS', 'odin')$$, 'a writer registers an instance');
SELECT lives_ok($$SELECT event_store.emit_event('priv-PS-1', 'epic_started', '{"epic_id": "E-1"}')$$, 'a writer emits');
SELECT throws_ok($$SELECT * FROM event_store.events$$, '42501', NULL, 'a writer cannot read the table directly');
RESET ROLE;
SET LOCAL ROLE event_store_reader;
SELECT throws_ok($$SELECT event_store.emit_event('priv-PS-1', 'epic_started', '{"epic_id": "E-1"}')$$, '42501', NULL, 'a reader cannot emit');
SELECT lives_ok($$SELECT * FROM event_store.list_instances()$$, 'a reader lists instances');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
