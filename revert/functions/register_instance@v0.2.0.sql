-- Revert supervisor_event_store:functions/register_instance from pg

BEGIN;

DROP FUNCTION event_store.register_instance(text, text, text, jsonb);

COMMIT;
