-- Deploy supervisor_event_store:columns/fleet_type_counts_min_position to pg
-- requires: tables/fleet_type_counts
-- requires: tables/fleet_index

BEGIN;

/*
 * The smallest global_position among the events of each type and UTC hour that the projector has
 * applied: every fleet_index row of that type and hour has a position at or above it. Deleting
 * events (delete_events_for_instance) only raises the true minimum, so the stored one stays a
 * lower bound. NULL means unknown (a row written by an older project_fleet): readers then assume
 * the hour may hold any position.
 * What it is for: a page of type or date matches across all instances is the first offset + limit
 * of them in global order. query_events finds a position that bounds the page from some of the
 * matches, and then reads only the hours whose minimum is at or below it, instead of every match
 * in the range (a 3-day range of two common types at 10M events: 40,000 index entries).
 * Added NULL (unknown) here and filled from fleet_index by functions/project_fleet's change, once
 * the project_fleet that keeps it is in place: a batch of the previous project_fleet in between
 * (one blocked on this ALTER resumes with its old statement) adds to the counts without lowering
 * the minimum, and a minimum filled before it could stay above a position it projected.
 */
ALTER TABLE event_store.fleet_type_counts ADD COLUMN min_global_position bigint;

COMMENT ON COLUMN event_store.fleet_type_counts.min_global_position IS
    'A lower bound of the global_position of the type''s events in the hour (their minimum when projected); '
    'NULL = unknown.';

COMMIT;
