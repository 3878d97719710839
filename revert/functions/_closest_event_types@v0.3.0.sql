-- Revert supervisor_event_store:functions/_closest_event_types from pg

BEGIN;

DROP FUNCTION event_store._closest_event_types(text, int);
DROP FUNCTION event_store._edit_distance(text, text);

COMMIT;
