-- Revert supervisor_event_store:roles/event_store_writer from pg

BEGIN;

REVOKE ALL ON SCHEMA event_store FROM event_store_writer;

-- Roles are cluster-wide: keep the role when another database still uses it.
DO $$
BEGIN
    DROP ROLE IF EXISTS event_store_writer;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role event_store_writer kept: objects in another database still depend on it';
END
$$;

COMMIT;
