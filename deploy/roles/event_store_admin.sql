-- Deploy supervisor_event_store:roles/event_store_admin to pg
-- requires: roles/event_store_writer

BEGIN;

-- Roles are cluster-wide: another database may have created it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'event_store_admin') THEN
        CREATE ROLE event_store_admin NOLOGIN;
    END IF;
END
$$;

COMMENT ON ROLE event_store_admin IS 'supervisor-event-store: writer plus the admin functions (register_event_type, delete_events_for_instance).';

GRANT event_store_writer TO event_store_admin;
GRANT USAGE ON SCHEMA event_store TO event_store_admin;

COMMIT;
