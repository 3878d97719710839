-- Revert supervisor_event_store_proxy:remote/register_instance to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.register_instance(text, text, text, jsonb);

COMMIT;
