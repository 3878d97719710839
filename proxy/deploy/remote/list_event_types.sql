-- Deploy supervisor_event_store_proxy:remote/list_event_types to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards

BEGIN;

/* Routing of list_event_types: the shard function of the same name, on every shard. */
CREATE OR REPLACE FUNCTION event_store_remote.list_event_types(
    p_category text
)
    RETURNS TABLE(event_type text, category text, description text, data_schema jsonb)
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON ALL;
    TARGET event_store.list_event_types;
$$;

COMMENT ON FUNCTION event_store_remote.list_event_types IS
    'Internal: event_store.list_event_types on every shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.list_event_types FROM PUBLIC;

COMMIT;
