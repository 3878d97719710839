-- Revert supervisor_event_store:functions/register_event_type from pg

BEGIN;

DROP FUNCTION event_store.register_event_type(text, text, text, jsonb);
DROP FUNCTION event_store._check_data_schema(jsonb);

COMMIT;
