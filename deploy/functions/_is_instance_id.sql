-- Deploy supervisor_event_store:functions/_is_instance_id to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The instance-id rule, written once: 1-32 characters of A-Z, a-z, 0-9, "_", "." and "-". False
 * for NULL. A LANGUAGE sql expression with no SET clause and nothing but built-ins, so the planner
 * inlines it where it is used (emit_event's hot-path test costs no function call). Raisers:
 * _check_instance_id (ES006 for arguments), _check_instance_row (check_violation for rows).
 */
CREATE OR REPLACE FUNCTION event_store._is_instance_id(
    p_instance_id text
)
    RETURNS boolean
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
AS $$
    SELECT coalesce(p_instance_id OPERATOR(pg_catalog.~) '^[A-Za-z0-9_.-]{1,32}$', false)
$$;

COMMENT ON FUNCTION event_store._is_instance_id(text) IS
    'Internal: true when a text is a well-formed instance id (1-32 characters of [A-Za-z0-9_.-]); false for NULL.';

REVOKE ALL ON FUNCTION event_store._is_instance_id(text) FROM PUBLIC;

COMMIT;
