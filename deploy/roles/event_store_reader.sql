-- Deploy supervisor_event_store:roles/event_store_reader to pg
-- requires: schemas/event_store

BEGIN;

-- Roles are cluster-wide: another database may have created it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'event_store_reader') THEN
        CREATE ROLE event_store_reader NOLOGIN;
    END IF;
END
$$;

COMMENT ON ROLE event_store_reader IS 'supervisor-event-store: may call the read functions of the event store (query, replay, aggregates).';

GRANT USAGE ON SCHEMA event_store TO event_store_reader;

COMMIT;
