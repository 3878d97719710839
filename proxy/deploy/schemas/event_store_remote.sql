-- Deploy supervisor_event_store_proxy:schemas/event_store_remote to pg

BEGIN;

CREATE SCHEMA event_store_remote;

COMMENT ON SCHEMA event_store_remote IS
    'Internal: one PL/Proxy function per shard function, called by the event_store functions of the proxy.';

REVOKE ALL ON SCHEMA event_store_remote FROM PUBLIC;


COMMIT;
