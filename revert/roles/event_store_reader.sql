-- Revert supervisor_event_store:roles/event_store_reader from pg

BEGIN;

REVOKE ALL ON SCHEMA event_store FROM event_store_reader;

-- Roles are cluster-wide: keep the role when another database still uses it.
DO $$
BEGIN
    DROP ROLE IF EXISTS event_store_reader;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role event_store_reader kept: objects in another database still depend on it';
END
$$;

COMMIT;
