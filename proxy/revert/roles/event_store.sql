-- Revert supervisor_event_store_proxy:roles/event_store from pg

BEGIN;


REVOKE ALL ON SCHEMA event_store FROM event_store_reader, event_store_writer, event_store_admin;

DO $$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['event_store_admin', 'event_store_writer', 'event_store_reader'] LOOP
        BEGIN
            EXECUTE format('DROP ROLE IF EXISTS %I', v_role);
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'role % kept: objects in another database still depend on it', v_role;
        END;
    END LOOP;
END
$$;


COMMIT;
