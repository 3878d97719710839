-- Revert supervisor_event_store_proxy:remote/register_event_type to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.register_event_type(text, text, text, jsonb);

COMMIT;
