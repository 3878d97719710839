-- Revert supervisor_event_store_proxy:functions/register_instance to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.register_instance(text, text, text, jsonb);

COMMIT;
