-- Deploy supervisor_event_store_proxy:types/feed_row to pg
-- requires: schemas/event_store_remote

BEGIN;

/*
 * A row of the change feed as a shard returned it (read_all, wait_for_events, poll_subscription),
 * with the shard it came from and its place in that shard's page: what the proxy merges into one
 * page with vector cursors (_feed_merge).
 */
CREATE TYPE event_store_remote.feed_row AS (
    shard           integer,
    ord             bigint,
    event_id        uuid,
    instance_id     text,
    event_type      text,
    sequence_num    bigint,
    "timestamp"     timestamptz,
    event_data      jsonb,
    metadata        jsonb,
    created_at      timestamptz,
    updated_at      timestamptz,
    global_position bigint,
    transaction_id  xid8,
    cursor          text
);

COMMENT ON TYPE event_store_remote.feed_row IS
    'Internal: a change-feed row of one shard (shard number, place in its page, read_all''s columns, the shard''s cursor).';

COMMIT;
