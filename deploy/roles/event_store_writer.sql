-- Deploy supervisor_event_store:roles/event_store_writer to pg
-- requires: roles/event_store_reader

BEGIN;

-- Roles are cluster-wide: another database may have created it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'event_store_writer') THEN
        CREATE ROLE event_store_writer NOLOGIN;
    END IF;
END
$$;

COMMENT ON ROLE event_store_writer IS 'supervisor-event-store: reader plus emit_event, emit_events, register_instance, heartbeat, mark_stale_instances and create_snapshot.';

GRANT event_store_reader TO event_store_writer;
GRANT USAGE ON SCHEMA event_store TO event_store_writer;

COMMIT;
