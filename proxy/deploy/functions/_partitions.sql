-- Deploy supervisor_event_store_proxy:functions/_partitions to pg
-- requires: functions/_partition

BEGIN;

/* The instance's partition, or every partition for NULL (PL/Proxy calls each shard once). */
CREATE OR REPLACE FUNCTION event_store._partitions(
    p_instance_id text
)
    RETURNS SETOF integer
    LANGUAGE sql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
    SELECT event_store._partition(p_instance_id) WHERE p_instance_id IS NOT NULL
    UNION ALL
    SELECT n FROM pg_catalog.generate_series(0, 15) n WHERE p_instance_id IS NULL
$$;

COMMENT ON FUNCTION event_store._partitions(text) IS
    'Internal: the partitions to run on: the instance''s, or all of them for NULL (all instances).';

REVOKE ALL ON FUNCTION event_store._partitions(text) FROM PUBLIC;


COMMIT;
