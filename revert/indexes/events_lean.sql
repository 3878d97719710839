-- Revert supervisor_event_store:indexes/events_lean from pg

BEGIN;

DROP TRIGGER event_types_never_deleted ON event_store.event_types;
DROP TRIGGER instances_never_deleted ON event_store.instances;

ALTER TABLE event_store.events
    ADD CONSTRAINT events_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES event_store.instances (instance_id),
    ADD CONSTRAINT events_event_type_fkey FOREIGN KEY (event_type) REFERENCES event_store.event_types (event_type);

CREATE INDEX events_event_type_timestamp_idx ON event_store.events (event_type, "timestamp" DESC);
CREATE INDEX events_instance_created_at_idx  ON event_store.events (instance_id, created_at DESC);
CREATE INDEX events_timestamp_idx            ON event_store.events ("timestamp" DESC);

COMMIT;
