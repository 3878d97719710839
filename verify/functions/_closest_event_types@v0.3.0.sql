-- Verify supervisor_event_store:functions/_closest_event_types on pg

BEGIN;

SELECT 1 / (event_store._edit_distance('kitten', 'sitting') = 3)::int;
SELECT pg_catalog.has_function_privilege('event_store._closest_event_types(text, int)', 'execute');

ROLLBACK;
