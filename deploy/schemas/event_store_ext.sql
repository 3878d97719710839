-- Deploy supervisor_event_store:schemas/event_store_ext to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The extensions the store needs (pg_trgm and btree_gin, for the keyword index) live here, not in
 * event_store, so event_store holds only the API and its internals. PUBLIC gets no privilege on
 * the schema and no EXECUTE on the extensions' functions (extensions/pg_trgm, extensions/btree_gin):
 * the index access method calls its support functions without a privilege check, and every query
 * that uses the index runs inside an event_store definer function.
 */
CREATE SCHEMA IF NOT EXISTS event_store_ext;

COMMENT ON SCHEMA event_store_ext IS
    'Extensions used by event_store (pg_trgm, btree_gin for the keyword index); no privilege for PUBLIC.';

REVOKE ALL ON SCHEMA event_store_ext FROM PUBLIC;

COMMIT;
