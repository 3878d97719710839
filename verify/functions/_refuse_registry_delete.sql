-- Verify supervisor_event_store:functions/_refuse_registry_delete on pg

BEGIN;

SELECT 'event_store._refuse_registry_delete()'::regprocedure;

ROLLBACK;
