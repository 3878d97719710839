-- Deploy supervisor_event_store_proxy:remote/register_event_type to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: types/event_types

BEGIN;

/* Routing of register_event_type: the shard function of the same name, on every shard. */
CREATE OR REPLACE FUNCTION event_store_remote.register_event_type(
    p_event_type text,
    p_category text,
    p_description text,
    p_data_schema jsonb
)
    RETURNS SETOF event_store.event_types
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON ALL;
    TARGET event_store.register_event_type;
$$;

COMMENT ON FUNCTION event_store_remote.register_event_type IS
    'Internal: event_store.register_event_type on every shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.register_event_type FROM PUBLIC;

COMMIT;
