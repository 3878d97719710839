-- Deploy supervisor_event_store:tables/projections to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The watermark of each projection: the change-feed position (feed_key, global_position) up to
 * which the projector has applied every event. Readers answer from the projection up to here and
 * from the events after it (a range of events_feed_key_idx), so answers are exact however far
 * behind the projector is; the projector moves it in the transaction that writes the projection.
 * The row is locked (FOR UPDATE) by the projector for a batch and by delete_events_for_instance,
 * so a reset never races a batch that read the rows it deletes.
 */
CREATE TABLE event_store.projections (
    projection_name  text        PRIMARY KEY,
    feed_key         xid8        NOT NULL DEFAULT '0',
    global_position  bigint      NOT NULL DEFAULT 0,
    events_projected bigint      NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE event_store.projections IS
    'Projections maintained from the change feed (project_fleet), each with its watermark: every event '
    'at or before (feed_key, global_position) in feed order is applied, none after it.';
COMMENT ON COLUMN event_store.projections.feed_key IS 'Watermark, feed_key half (0 = nothing applied yet).';
COMMENT ON COLUMN event_store.projections.global_position IS 'Watermark, global_position half.';
COMMENT ON COLUMN event_store.projections.events_projected IS 'Events applied since the projection was created.';
COMMENT ON COLUMN event_store.projections.updated_at IS 'When the watermark last moved.';

REVOKE ALL ON event_store.projections FROM PUBLIC;

INSERT INTO event_store.projections (projection_name) VALUES ('fleet_index');

COMMIT;
