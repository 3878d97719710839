-- Deploy supervisor_event_store:extensions/btree_gin to pg
-- requires: schemas/event_store_ext
-- requires: indexes/events_search

BEGIN;

/*
 * The GIN operator class for varchar (instance_id) of the keyword index (indexes/events_search), created there.
 * Moved from event_store into event_store_ext (or installed there when absent), and no function of
 * it is executable by PUBLIC: before, any role could call its functions in event_store, which the
 * README said holds nothing but the API. The keyword index keeps working: the index refers to the
 * operator class by oid, and the access method calls support functions without a privilege check.
 * An installation found in another schema (made by the DBA, maybe used by others) is left alone.
 * The steps are those of extensions/pg_trgm, written twice on purpose: a deploy script could
 * share them only through a function left behind in the schema.
 */
DO $$
DECLARE
    v_fn regprocedure;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension x
                WHERE x.extname = 'btree_gin' AND x.extnamespace = 'event_store'::regnamespace) THEN
        ALTER EXTENSION btree_gin SET SCHEMA event_store_ext;
    ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_extension x WHERE x.extname = 'btree_gin') THEN
        CREATE EXTENSION btree_gin WITH SCHEMA event_store_ext;
    END IF;
    FOR v_fn IN
        SELECT p.oid
          FROM pg_catalog.pg_extension x
          JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = x.oid
                                     AND d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e'
          JOIN pg_catalog.pg_proc p ON p.oid = d.objid
         WHERE x.extname = 'btree_gin' AND x.extnamespace = 'event_store_ext'::regnamespace
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_fn);
    END LOOP;
END
$$;

COMMIT;
