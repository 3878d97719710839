-- Deploy supervisor_event_store_proxy:remote/get_event_by_id to pg
-- requires: schemas/event_store_remote
-- requires: servers/event_store_shards
-- requires: types/events

BEGIN;

/* Routing of get_event_by_id: the shard function of the same name, on every shard. */
CREATE OR REPLACE FUNCTION event_store_remote.get_event_by_id(
    p_event_id uuid
)
    RETURNS SETOF event_store.events
    LANGUAGE plproxy
    VOLATILE
AS $$
    CLUSTER 'event_store_shards';
    RUN ON ALL;
    TARGET event_store.get_event_by_id;
$$;

COMMENT ON FUNCTION event_store_remote.get_event_by_id IS
    'Internal: event_store.get_event_by_id on every shard (PL/Proxy).';

REVOKE ALL ON FUNCTION event_store_remote.get_event_by_id FROM PUBLIC;

COMMIT;
