-- Deploy supervisor_event_store:functions/_check_feed_filters to pg
-- requires: functions/_check_event_types
-- requires: functions/_check_instance_id
-- requires: functions/_instance_not_found

BEGIN;

/*
 * The filters of read_all and subscriptions: event types must be registered (ES001, hint: the
 * closest ones), instance ids well formed (ES006) and registered (ES002), a project not blank
 * (ES006); empty lists and NULL elements are ES006. A typo in a filter never looks like "no
 * events yet".
 */
CREATE OR REPLACE FUNCTION event_store._check_feed_filters(
    p_event_types  text[],
    p_instance_ids text[],
    p_project      text
)
    RETURNS void
    LANGUAGE plpgsql
    STABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_id text;
BEGIN
    IF p_event_types IS NOT NULL THEN
        PERFORM event_store._check_event_types(p_event_types);
    END IF;
    IF p_instance_ids IS NOT NULL THEN
        IF cardinality(p_instance_ids) = 0 OR array_position(p_instance_ids, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'instance_ids must be a non-empty list without nulls, got %', p_instance_ids
                USING ERRCODE = 'ES006', HINT = 'Pass NULL for all instances, or e.g. ARRAY[''odin-PS-8f4a2b''].';
        END IF;
        FOREACH v_id IN ARRAY p_instance_ids LOOP
            PERFORM event_store._check_instance_id(v_id);
            IF NOT EXISTS (SELECT FROM event_store.instances i WHERE i.instance_id = v_id) THEN
                PERFORM event_store._instance_not_found(v_id);
            END IF;
        END LOOP;
    END IF;
    IF p_project !~ '\S' THEN
        RAISE EXCEPTION 'project must not be blank'
            USING ERRCODE = 'ES006', HINT = 'Pass NULL for all projects, or a project name such as ''odin''.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_feed_filters(text[], text[], text) IS
    'Internal: checks the filters of read_all and subscriptions. Errors: ES001 unknown type, ES002 unknown '
    'instance, ES006 empty list, NULL element, malformed instance id or blank project.';

REVOKE ALL ON FUNCTION event_store._check_feed_filters(text[], text[], text) FROM PUBLIC;

COMMIT;
