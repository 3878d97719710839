-- Revert supervisor_event_store:extensions/pg_trgm from pg

BEGIN;

-- Only drop the installation this change made (in event_store), never one found elsewhere.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension x
                WHERE x.extname = 'pg_trgm' AND x.extnamespace = 'event_store'::regnamespace) THEN
        DROP EXTENSION pg_trgm;
    END IF;
END
$$;

COMMIT;
