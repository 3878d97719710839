-- Events never change: triggers for the owner, privileges for the roles, one admin path.
BEGIN;
SELECT plan(20);

SELECT has_trigger('event_store', 'events', 'events_immutable_row', 'row trigger for UPDATE/DELETE exists');
SELECT has_trigger('event_store', 'events', 'events_immutable_truncate', 'statement trigger for TRUNCATE exists');
SELECT event_store.register_instance('imm-PS-1', 'PS', 'odin');
SELECT event_store.register_instance('imm-PS-2', 'PS', 'odin');
SELECT event_store.emit_event('imm-PS-1', 'epic_started', '{"epic_id": "E-1"}');
SELECT event_store.emit_event('imm-PS-2', 'epic_started', '{"epic_id": "E-2"}');

-- The owner (this superuser session) is refused too.
SELECT throws_ok($$UPDATE event_store.events SET event_data = '{"epic_id": "X"}' WHERE instance_id = 'imm-PS-1'$$,
                 'ES005', 'events are immutable: UPDATE on event_store.events is not allowed', 'UPDATE by the owner is ES005');
SELECT throws_ok($$DELETE FROM event_store.events WHERE instance_id = 'imm-PS-1'$$,
                 'ES005', 'events are immutable: DELETE on event_store.events is not allowed', 'DELETE by the owner is ES005');
SELECT throws_ok($$TRUNCATE event_store.events CASCADE$$,
                 'ES005', 'events are immutable: TRUNCATE on event_store.events is not allowed', 'TRUNCATE by the owner is ES005');
SELECT is((SELECT count(*)::int FROM event_store.events WHERE instance_id IN ('imm-PS-1', 'imm-PS-2')), 4, 'all events are still there');

-- The escape setting only covers the named instance, and only DELETE.
SELECT set_config('event_store.delete_instance', 'imm-PS-2', true);
SELECT throws_ok($$DELETE FROM event_store.events WHERE instance_id = 'imm-PS-1'$$,
                 'ES005', NULL, 'the delete setting does not open other instances');
SELECT throws_ok($$UPDATE event_store.events SET metadata = '{"x": 1}' WHERE instance_id = 'imm-PS-2'$$,
                 'ES005', NULL, 'the delete setting never allows UPDATE');
SELECT throws_ok($$DELETE FROM event_store.events WHERE instance_id = 'imm-PS-2' AND sequence_num = 2$$,
                 'ES005', 'events are immutable: DELETE on event_store.events is not allowed',
                 'even with the setting, the owner cannot delete single events (no gaps)');
SELECT set_config('event_store.delete_instance', '', true);

-- Roles have no table privileges at all.
SET LOCAL ROLE event_store_admin;
SELECT throws_ok($$UPDATE event_store.events SET metadata = '{}'$$, '42501', NULL, 'admin cannot UPDATE events');
SELECT throws_ok($$DELETE FROM event_store.events$$, '42501', NULL, 'admin cannot DELETE events directly');
SELECT throws_ok($$TRUNCATE event_store.events$$, '42501', NULL, 'admin cannot TRUNCATE events');
SELECT throws_ok($$INSERT INTO event_store.events (instance_id, event_type, sequence_num, event_data) VALUES ('imm-PS-1', 'epic_started', 99, '{}')$$,
                 '42501', NULL, 'admin cannot INSERT around emit_event');
SELECT throws_ok($$SELECT set_config('event_store.delete_instance', 'imm-PS-1', true); DELETE FROM event_store.events WHERE instance_id = 'imm-PS-1'$$,
                 '42501', NULL, 'setting the escape value does not give a role DELETE');
RESET ROLE;

-- delete_events_for_instance: admin only, one instance, sequence reset.
SET LOCAL ROLE event_store_writer;
SELECT throws_ok($$SELECT event_store.delete_events_for_instance('imm-PS-1')$$, '42501', NULL, 'a writer cannot delete events');
RESET ROLE;
SET LOCAL ROLE event_store_admin;
SELECT is(event_store.delete_events_for_instance('imm-PS-1'), 2::bigint, 'an admin deletes one instance''s events and gets the count');
RESET ROLE;
SELECT results_eq($$SELECT instance_id::text, count(*)::int FROM event_store.events WHERE instance_id IN ('imm-PS-1', 'imm-PS-2') GROUP BY 1$$,
                  $$VALUES ('imm-PS-2', 2)$$, 'other instances keep their events');
SELECT is((SELECT sequence_num FROM event_store.emit_event('imm-PS-1', 'epic_started', '{"epic_id": "E-3"}')), 1::bigint,
          'the cleared instance starts again at sequence 1');
SELECT throws_ok($$DELETE FROM event_store.events WHERE instance_id = 'imm-PS-1'$$, 'ES005', NULL,
                 'after the function returns, DELETE is refused again');
SELECT throws_ok($$SELECT event_store.delete_events_for_instance('ghost-PS-0')$$, 'ES002', 'instance "ghost-PS-0" not found', 'unknown instance is ES002');

SELECT * FROM finish();
ROLLBACK;
