-- Deploy supervisor_event_store:extensions/pg_trgm to pg
-- requires: extensions/pg_trgm@v0.3.0
-- requires: schemas/event_store_ext

BEGIN;

/*
 * Trigram GIN support for the keyword index (indexes/events_search).
 * Moved from event_store into event_store_ext (or installed there when absent), and no function of
 * it is executable by PUBLIC: before, any role could call its functions in event_store, which the
 * README said holds nothing but the API. The keyword index keeps working: the index refers to the
 * operator class by oid, and the access method calls support functions without a privilege check.
 * An installation found in another schema (made by the DBA, maybe used by others) is left alone.
 * The steps are those of extensions/btree_gin, written twice on purpose: a deploy script could
 * share them only through a function left behind in the schema.
 */
DO $$
DECLARE
    v_fn regprocedure;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension x
                WHERE x.extname = 'pg_trgm' AND x.extnamespace = 'event_store'::regnamespace) THEN
        ALTER EXTENSION pg_trgm SET SCHEMA event_store_ext;
    ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_extension x WHERE x.extname = 'pg_trgm') THEN
        CREATE EXTENSION pg_trgm WITH SCHEMA event_store_ext;
    END IF;
    FOR v_fn IN
        SELECT p.oid
          FROM pg_catalog.pg_extension x
          JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = x.oid
                                     AND d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e'
          JOIN pg_catalog.pg_proc p ON p.oid = d.objid
         WHERE x.extname = 'pg_trgm' AND x.extnamespace = 'event_store_ext'::regnamespace
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_fn);
    END LOOP;
END
$$;

COMMIT;
