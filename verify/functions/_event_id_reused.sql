-- Verify supervisor_event_store:functions/_event_id_reused on pg

BEGIN;

SELECT 'event_store._event_id_reused(uuid, event_store.events, text, text)'::regprocedure;

ROLLBACK;
