-- Revert supervisor_event_store:extensions/pg_trgm from pg: back into event_store, executable by PUBLIC again.

BEGIN;

DO $$
DECLARE
    v_fn regprocedure;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension x
                WHERE x.extname = 'pg_trgm' AND x.extnamespace = 'event_store_ext'::regnamespace) THEN
        FOR v_fn IN
            SELECT p.oid
              FROM pg_catalog.pg_extension x
              JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = x.oid
                                         AND d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e'
              JOIN pg_catalog.pg_proc p ON p.oid = d.objid
             WHERE x.extname = 'pg_trgm'
        LOOP
            EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO PUBLIC', v_fn);
        END LOOP;
        ALTER EXTENSION pg_trgm SET SCHEMA event_store;
    END IF;
END
$$;

COMMIT;
