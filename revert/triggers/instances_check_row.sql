-- Revert supervisor_event_store:triggers/instances_check_row from pg: back to one BEFORE trigger.

BEGIN;

DROP TRIGGER instances_check_row_update ON event_store.instances;
DROP TRIGGER instances_check_row ON event_store.instances;

CREATE TRIGGER instances_check_row
    BEFORE INSERT OR UPDATE OF instance_id, instance_type, project, status, metadata
    ON event_store.instances
    FOR EACH ROW EXECUTE FUNCTION event_store._check_instance_row();

COMMENT ON TRIGGER instances_check_row ON event_store.instances IS
    'Enforces the row rules on INSERT and on UPDATEs of the checked columns, not on stream-head bumps.';

COMMIT;
