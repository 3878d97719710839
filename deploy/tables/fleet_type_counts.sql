-- Deploy supervisor_event_store:tables/fleet_type_counts to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The fleet rollup: events per (type, UTC hour) over all instances, for the events up to the
 * fleet_index watermark, written by project_fleet in the batch that writes fleet_index (and
 * lowered by delete_events_for_instance). aggregate_events_by_type for the fleet sums whole hours
 * here (about 24 rows per type and day instead of every event) and counts the partial hours at
 * the ends of a date range, and the events after the watermark, directly.
 */
CREATE TABLE event_store.fleet_type_counts (
    event_type  text        NOT NULL,
    hour        timestamptz NOT NULL,
    event_count int         NOT NULL,   -- per type and hour: int, so sums stay int8 arithmetic
    PRIMARY KEY (event_type, hour)
);

COMMENT ON TABLE event_store.fleet_type_counts IS
    'Projection: events per type and UTC hour over all instances, up to the fleet_index watermark. '
    'Written only by project_fleet (and delete_events_for_instance).';
COMMENT ON COLUMN event_store.fleet_type_counts.hour IS 'date_trunc(''hour'', timestamp, ''UTC'').';

REVOKE ALL ON event_store.fleet_type_counts FROM PUBLIC;

COMMIT;
