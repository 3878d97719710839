-- Deploy supervisor_event_store:tables/events to pg
-- requires: tables/instances
-- requires: tables/event_types

BEGIN;

CREATE TABLE event_store.events (
    event_id        uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    instance_id     varchar(32) NOT NULL REFERENCES event_store.instances (instance_id),
    event_type      text        NOT NULL REFERENCES event_store.event_types (event_type),
    sequence_num    bigint      NOT NULL
                    CONSTRAINT events_sequence_num_positive CHECK (sequence_num > 0),
    "timestamp"     timestamptz NOT NULL DEFAULT now(),
    event_data      jsonb       NOT NULL
                    CONSTRAINT events_event_data_object CHECK (jsonb_typeof(event_data) = 'object'),
    metadata        jsonb       NOT NULL DEFAULT '{}'
                    CONSTRAINT events_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    global_position bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT events_instance_sequence_unique UNIQUE (instance_id, sequence_num),
    CONSTRAINT events_never_updated CHECK (updated_at = created_at)
);

-- The seed's indexes; (instance_id, sequence_num) is the unique constraint above.
CREATE INDEX events_event_type_timestamp_idx ON event_store.events (event_type, "timestamp" DESC);
CREATE INDEX events_instance_created_at_idx  ON event_store.events (instance_id, created_at DESC);
CREATE INDEX events_timestamp_idx            ON event_store.events ("timestamp" DESC);

COMMENT ON TABLE event_store.events IS
    'The append-only event log. Rows are written only by emit_event/emit_events and never change '
    '(triggers raise ES005); delete_events_for_instance is the one admin path that removes rows.';
COMMENT ON COLUMN event_store.events.sequence_num IS
    'Position in the instance''s stream: 1, 2, 3... with no gaps, even across rolled-back emits.';
COMMENT ON COLUMN event_store.events."timestamp" IS
    'When the event was appended (clock_timestamp() under the stream lock, so it never decreases '
    'along an instance''s sequence).';
COMMENT ON COLUMN event_store.events.updated_at IS 'Always equal to created_at: events never change.';
COMMENT ON COLUMN event_store.events.global_position IS
    'Cross-instance append order (identity). Assigned at insert, visible at commit: tail with '
    'transaction_id, not with the largest position seen.';
COMMENT ON COLUMN event_store.events.transaction_id IS
    'pg_current_xact_id() of the appending transaction; read below pg_snapshot_xmin(pg_current_snapshot()) '
    'for catch-up reads that never skip a late commit.';

REVOKE ALL ON event_store.events FROM PUBLIC;

COMMIT;
