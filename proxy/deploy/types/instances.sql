-- Deploy supervisor_event_store_proxy:types/instances to pg
-- requires: schemas/event_store

BEGIN;

/* The shards' event_store.instances row: the row type of register_instance and list_instances. */
CREATE TYPE event_store.instances AS (
    instance_id       varchar(32),
    instance_type     text,
    project           text,
    status            text,
    registered_at     timestamptz,
    last_heartbeat_at timestamptz,
    metadata          jsonb,
    last_sequence_num bigint
);

COMMENT ON TYPE event_store.instances IS 'An instance as registered on its shard (event_store.instances there).';


COMMIT;
