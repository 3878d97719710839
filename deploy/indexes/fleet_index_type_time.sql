-- Deploy supervisor_event_store:indexes/fleet_index_type_time to pg
-- requires: tables/fleet_index

BEGIN;

/*
 * Type and date filters across all instances: the matches of a type in a date range are one range
 * of this index, and with global_position included they are read without visiting fleet_index's
 * rows (index-only) and sorted for the page. fleet_index_type_idx (event_type, global_position)
 * reads a type's events in global order from its start, and fleet_index_timestamp_idx reads every
 * type in the range; at 10M events a type in 3 days was 232 ms that way (docs/benchmarks.md).
 *
 * Index-only scans skip the heap only for pages the visibility map marks all-visible, and
 * fleet_index is insert-only: autovacuum's default for inserts (20% of the table) would leave the
 * newest ~2M rows of a 10M table, the ones recent date ranges ask for, unmarked. 1% instead.
 */
CREATE INDEX fleet_index_type_time_idx ON event_store.fleet_index (event_type, "timestamp") INCLUDE (global_position);

COMMENT ON INDEX event_store.fleet_index_type_time_idx IS
    'Type and date filters across all instances: one range per type, index-only with global_position for the page.';

ALTER TABLE event_store.fleet_index SET (autovacuum_vacuum_insert_scale_factor = 0.01);

COMMIT;
