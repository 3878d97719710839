-- Deploy supervisor_event_store:functions/_refuse_registry_delete to pg
-- requires: schemas/event_store

BEGIN;

/*
 * Trigger function: instances and event types are never deleted, because events refer to them.
 * The events table's foreign keys said so until issue 12 took them off the write path (each
 * checked one index and locked the referenced row on every emit; on a type's row, shared by every
 * writer of that type, those locks became multixacts). No API function deletes either; this
 * keeps a DELETE or TRUNCATE by the owner from orphaning events.
 */
CREATE OR REPLACE FUNCTION event_store._refuse_registry_delete()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION '% of %.% refused: instances and event types are never deleted', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'ES005',
              HINT = 'Events refer to them. To clear an instance''s events, use event_store.delete_events_for_instance.';
END
$$;

COMMENT ON FUNCTION event_store._refuse_registry_delete() IS
    'Trigger function: raises ES005 on DELETE or TRUNCATE of instances or event_types (events refer to them).';

REVOKE ALL ON FUNCTION event_store._refuse_registry_delete() FROM PUBLIC;

COMMIT;
