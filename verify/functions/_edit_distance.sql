-- Verify supervisor_event_store:functions/_edit_distance on pg

BEGIN;

SELECT 'event_store._edit_distance(text, text)'::regprocedure;

ROLLBACK;
