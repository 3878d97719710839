-- Deploy supervisor_event_store:tables/snapshots to pg
-- requires: tables/events
-- requires: tables/instances

BEGIN;

/*
 * Folded states at a sequence number, so replay_events reads only the events after the newest
 * usable one. A snapshot references the event it was taken at (event_id, ON DELETE CASCADE):
 * when delete_events_for_instance removes an instance's events, its snapshots go with them, so
 * a snapshot can never describe a stream that was reset and written again.
 */
CREATE TABLE event_store.snapshots (
    snapshot_id  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id  varchar(32) NOT NULL REFERENCES event_store.instances (instance_id) ON DELETE CASCADE,
    sequence_num bigint      NOT NULL
                 CONSTRAINT snapshots_sequence_num_positive CHECK (sequence_num > 0),
    event_id     uuid        NOT NULL REFERENCES event_store.events (event_id) ON DELETE CASCADE,
    fold_version int         NOT NULL,
    state        jsonb       NOT NULL
                 CONSTRAINT snapshots_state_object CHECK (jsonb_typeof(state) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT snapshots_instance_version_sequence_unique UNIQUE (instance_id, fold_version, sequence_num)
);

CREATE INDEX snapshots_event_id_idx ON event_store.snapshots (event_id);

COMMENT ON TABLE event_store.snapshots IS
    'Folded instance states at a sequence number (create_snapshot, or automatically every '
    'event_store.snapshot_every events in replay_events). replay_events starts from the newest one '
    'of the current fold version at or below its target.';
COMMENT ON COLUMN event_store.snapshots.event_id IS
    'The event at sequence_num when the snapshot was taken; deleting it (delete_events_for_instance) '
    'deletes the snapshot.';
COMMENT ON COLUMN event_store.snapshots.fold_version IS
    'event_store._fold_version() of the fold that made the state; other versions are ignored.';
COMMENT ON COLUMN event_store.snapshots.state IS
    'to_jsonb of the running fold state (_fold_acc) after the event at sequence_num; the jsonb '
    'state a client sees is event_store._fold_final of it.';

REVOKE ALL ON event_store.snapshots FROM PUBLIC;

COMMIT;
