-- Deploy supervisor_event_store_proxy:types/event_types to pg
-- requires: schemas/event_store

BEGIN;

/* The shards' event_store.event_types row: the row type of register_event_type. */
CREATE TYPE event_store.event_types AS (
    event_type  text,
    category    text,
    description text,
    data_schema jsonb,
    created_at  timestamptz,
    validator   jsonpath
);

COMMENT ON TYPE event_store.event_types IS 'An event type as registered on every shard (event_store.event_types there).';


COMMIT;
