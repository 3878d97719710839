-- Deploy supervisor_event_store_proxy:functions/_shard_of to pg
-- requires: functions/_partition

BEGIN;

/*
 * The shard (as numbered by _shard_map) that holds an instance: the digit of its partition in the
 * map. NULL (which the shard refuses with ES006) goes where partition 0 goes, as _partition says.
 */
CREATE OR REPLACE FUNCTION event_store._shard_of(
    p_map         text,
    p_instance_id text
)
    RETURNS integer
    LANGUAGE sql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
    SELECT strpos('0123456789abcdef', substr(p_map, event_store._partition(p_instance_id) + 1, 1)) - 1
$$;

COMMENT ON FUNCTION event_store._shard_of(text, text) IS
    'Internal: the shard of an instance id under a shard map (_shard_map).';

REVOKE ALL ON FUNCTION event_store._shard_of(text, text) FROM PUBLIC;

COMMIT;
