-- Deploy supervisor_event_store_proxy:extensions/plproxy to pg
-- requires: schemas/event_store

BEGIN;

CREATE EXTENSION IF NOT EXISTS plproxy;


COMMIT;
