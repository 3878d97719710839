-- Verify supervisor_event_store:functions/_closest_event_types on pg

BEGIN;

SELECT 'event_store._edit_distance(text, text)'::regprocedure;
-- This version gives no suggestions for a name over 63 characters (bounded work).
SELECT 1 / (cardinality(event_store._closest_event_types(repeat('a', 64))) = 0)::int;

ROLLBACK;
