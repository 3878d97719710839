-- Revert supervisor_event_store:tables/event_types from pg

BEGIN;

DROP TABLE event_store.event_types;
DROP FUNCTION event_store._schema_predicate(jsonb);

COMMIT;
