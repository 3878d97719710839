-- Revert supervisor_event_store_proxy:functions/register_event_type to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.register_event_type(text, text, text, jsonb);

COMMIT;
