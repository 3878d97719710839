-- Deploy supervisor_event_store_proxy:roles/event_store to pg
-- requires: schemas/event_store

BEGIN;

DO $$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['event_store_reader', 'event_store_writer', 'event_store_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = v_role) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', v_role);
        END IF;
        EXECUTE format('GRANT USAGE ON SCHEMA event_store TO %I', v_role);
    END LOOP;
END
$$;

GRANT event_store_reader TO event_store_writer;
GRANT event_store_writer TO event_store_admin;

COMMENT ON ROLE event_store_reader IS 'supervisor-event-store: may call the read functions of the event store (query, replay, aggregates).';
COMMENT ON ROLE event_store_writer IS 'supervisor-event-store: reader plus emit_event, emit_events, register_instance, heartbeat, mark_stale_instances and create_snapshot.';
COMMENT ON ROLE event_store_admin IS 'supervisor-event-store: writer plus register_event_type and delete_events_for_instance.';


COMMIT;
