-- Write benchmark set-up (run by tests/bench/write_bench.sh on a scratch database).
-- 100 ordinary instances, one hot instance, and a bare copy of the events table with the same
-- columns, defaults, constraints, indexes and foreign keys, but no stream head, no validation
-- and no function: the floor that emit_event is compared with.
SELECT event_store.register_instance('bench-' || i, 'PS', 'bench') FROM generate_series(0, 99) i;
SELECT event_store.register_instance('hot-0', 'PS', 'bench');

CREATE SCHEMA bench;
CREATE TABLE bench.events_bare (LIKE event_store.events INCLUDING ALL);
ALTER TABLE bench.events_bare
    ADD FOREIGN KEY (instance_id) REFERENCES event_store.instances (instance_id),
    ADD FOREIGN KEY (event_type) REFERENCES event_store.event_types (event_type);
CREATE SEQUENCE bench.seq;
