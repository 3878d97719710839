-- Revert supervisor_event_store_proxy:functions/_partitions from pg

BEGIN;


DROP FUNCTION IF EXISTS event_store._partitions(text);


COMMIT;
