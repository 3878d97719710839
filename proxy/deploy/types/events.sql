-- Deploy supervisor_event_store_proxy:types/events to pg
-- requires: schemas/event_store

BEGIN;

/* The shards' event_store.events row, column for column: the row type of get_event_by_id and get_latest_events. */
CREATE TYPE event_store.events AS (
    event_id        uuid,
    instance_id     varchar(32),
    event_type      text,
    sequence_num    bigint,
    "timestamp"     timestamptz,
    event_data      jsonb,
    metadata        jsonb,
    created_at      timestamptz,
    updated_at      timestamptz,
    global_position bigint,
    transaction_id  xid8,
    feed_key        xid8
);

COMMENT ON TYPE event_store.events IS 'An event as stored on its shard (event_store.events there).';


COMMIT;
