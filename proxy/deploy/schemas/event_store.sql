-- Deploy supervisor_event_store_proxy:schemas/event_store to pg

BEGIN;

CREATE SCHEMA event_store;

COMMENT ON SCHEMA event_store IS
    'supervisor-event-store proxy: the event_store functions of the shards, with the same signatures, routed by PL/Proxy.';

REVOKE ALL ON SCHEMA event_store FROM PUBLIC;


COMMIT;
