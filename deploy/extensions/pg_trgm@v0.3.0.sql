-- Deploy supervisor_event_store:extensions/pg_trgm to pg
-- requires: schemas/event_store

BEGIN;

-- Trigram GIN support for the keyword index (indexes/events_search). Installed into
-- event_store when absent, so nothing lands in public; if the database already has it in
-- another schema, that installation is used (the index finds the operator class there).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA event_store;

COMMIT;
