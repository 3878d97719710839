-- psql examples for the write side. Run against a deployed database:
--   psql "$(.venv/bin/event-store db url)" -f sql/examples_write.sql
-- Everything runs in one transaction that is rolled back, so it leaves nothing behind.
\set ON_ERROR_STOP off
\set VERBOSITY default
BEGIN;

-- Register a project supervisor; re-registering re-activates it.
SELECT instance_id, instance_type, project, status, last_sequence_num
  FROM event_store.register_instance('odin-PS-8f4a2b', 'PS', 'odin', '{"host": "build-01"}');

-- Append one event; sequence numbers are per instance, gap-free.
SELECT * FROM event_store.emit_event('odin-PS-8f4a2b', 'epic_started',
                                     '{"epic_id": "EPIC-7", "feature_name": "billing export"}');

-- Append a batch atomically, guarded by the last sequence number we saw (optimistic concurrency).
SELECT * FROM event_store.emit_events('odin-PS-8f4a2b', '[
    {"event_type": "test_started", "event_data": {"test_suite": "unit", "epic_id": "EPIC-7"}},
    {"event_type": "test_failed",  "event_data": {"test_suite": "unit", "failed_count": 2}},
    {"event_type": "commit_created", "event_data": {"commit_sha": "9f2c1e7", "message": "fix retry"}}
]', p_expected_sequence => 2);

-- Idempotent retry: same event_id, same content -> the original row, nothing written.
SELECT * FROM event_store.emit_event('odin-PS-8f4a2b', 'pr_created', '{"pr_number": 42, "title": "Billing export"}',
                                     p_event_id => '5f0c6d1e-8a51-4c55-9d2f-1b2a3c4d5e6f');
SELECT * FROM event_store.emit_event('odin-PS-8f4a2b', 'pr_created', '{"pr_number": 42, "title": "Billing export"}',
                                     p_event_id => '5f0c6d1e-8a51-4c55-9d2f-1b2a3c4d5e6f');

-- Heartbeats keep an instance active; mark_stale_instances marks the silent ones.
SELECT * FROM event_store.heartbeat('odin-PS-8f4a2b', 37.5);
SELECT * FROM event_store.mark_stale_instances('120 seconds');
SELECT instance_id, status, last_sequence_num FROM event_store.list_instances();

-- Mistakes get our own SQLSTATE, a message naming the problem and a hint.
SAVEPOINT s;
SELECT * FROM event_store.emit_event('odin-PS-8f4a2b', 'epic_strated', '{"epic_id": "EPIC-8"}');  -- ES001
ROLLBACK TO SAVEPOINT s;
SELECT * FROM event_store.emit_event('odin-PS-8f4a2b', 'pr_merged', '{"pr_number": "42"}');        -- ES003
ROLLBACK TO SAVEPOINT s;
SELECT * FROM event_store.emit_event('odin-PS-8f4a2b', 'epic_completed', '{"epic_id": "EPIC-7"}',
                                     p_expected_sequence => 1);                                      -- ES004
ROLLBACK TO SAVEPOINT s;
UPDATE event_store.events SET event_data = '{}' WHERE instance_id = 'odin-PS-8f4a2b';                -- ES005
ROLLBACK TO SAVEPOINT s;

-- An admin adds an event type without DDL.
SELECT event_type, category FROM event_store.register_event_type(
    'review_requested', 'git', 'A code review was requested.',
    '{"type": "object", "required": ["pr_number"], "properties": {"pr_number": {"type": "integer", "minimum": 1}}}');

ROLLBACK;
