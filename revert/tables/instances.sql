-- Revert supervisor_event_store:tables/instances from pg

BEGIN;

DROP TABLE event_store.instances;
DROP FUNCTION event_store._check_instance_row();

COMMIT;
