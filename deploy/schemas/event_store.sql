-- Deploy supervisor_event_store:schemas/event_store to pg

BEGIN;

CREATE SCHEMA event_store;

COMMENT ON SCHEMA event_store IS
    'Append-only event store for AI coding-agent supervisor instances (PS/MS): '
    'registry, emit, query, replay. Use the functions; tables are owner-only.';

REVOKE ALL ON SCHEMA event_store FROM PUBLIC;

COMMIT;
