-- Deploy supervisor_event_store:indexes/events_lean to pg
-- requires: tables/events
-- requires: functions/_refuse_registry_delete
-- requires: functions/query_events
-- requires: functions/aggregate_events_by_type
-- requires: functions/feed_cursor
-- requires: functions/create_subscription

BEGIN;

/*
 * The write path keeps only what sequencing, idempotency, the change feed and one instance's
 * reads need: events_pkey (event_id), events_instance_sequence_unique, events_feed_key_idx,
 * events_global_position_idx and events_instance_type_timestamp_idx. Gone (issue 12), each paid
 * by every emit:
 *   - the fleet-wide events_event_type_timestamp_idx and events_timestamp_idx: fleet_index carries
 *     them, written in batches by the projector (project_fleet), off the write path (the keyword
 *     GIN index leaves in the rework of indexes/events_search, which created it);
 *   - events_instance_created_at_idx: no reader used it (created_at equals timestamp, and one
 *     instance's events are read by sequence_num);
 *   - the foreign keys to instances and event_types: each ran an index probe and a row lock per
 *     emit (on a type's row, shared by every writer of that type, a multixact). emit_event already
 *     refuses an unknown instance (ES002) or type (ES001), and the rows they pointed at are never
 *     deleted: triggers now refuse a DELETE or TRUNCATE of instances and event_types (ES005).
 * Upgrading a big database: dropping is quick; the revert rebuilds them (minutes at 10M events).
 */
DROP INDEX event_store.events_event_type_timestamp_idx;
DROP INDEX event_store.events_timestamp_idx;
DROP INDEX event_store.events_instance_created_at_idx;
ALTER TABLE event_store.events
    DROP CONSTRAINT events_instance_id_fkey,
    DROP CONSTRAINT events_event_type_fkey;

CREATE TRIGGER instances_never_deleted
    BEFORE DELETE OR TRUNCATE ON event_store.instances
    FOR EACH STATEMENT EXECUTE FUNCTION event_store._refuse_registry_delete();
CREATE TRIGGER event_types_never_deleted
    BEFORE DELETE OR TRUNCATE ON event_store.event_types
    FOR EACH STATEMENT EXECUTE FUNCTION event_store._refuse_registry_delete();

COMMENT ON TRIGGER instances_never_deleted ON event_store.instances IS
    'ES005 on DELETE or TRUNCATE: events refer to instances (no foreign key on the write path).';
COMMENT ON TRIGGER event_types_never_deleted ON event_store.event_types IS
    'ES005 on DELETE or TRUNCATE: events refer to event types (no foreign key on the write path).';

COMMIT;
