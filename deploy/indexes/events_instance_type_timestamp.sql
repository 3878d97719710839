-- Deploy supervisor_event_store:indexes/events_instance_type_timestamp to pg
-- requires: tables/events

BEGIN;

/*
 * One instance's events by type and time, carrying sequence_num: query_events with type and
 * date filters, get_event_count-style counts and aggregate_events_by_type for one instance read
 * it alone (index-only scans), and fetch only the page's rows from the table.
 */
CREATE INDEX events_instance_type_timestamp_idx
    ON event_store.events (instance_id, event_type, "timestamp") INCLUDE (sequence_num);

COMMENT ON INDEX event_store.events_instance_type_timestamp_idx IS
    'One instance''s events by type and time (with sequence_num): filtered reads and per-type counts.';

COMMIT;
