-- Deploy supervisor_event_store_proxy:functions/_partition to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The partition (0-15) that owns an instance: the first 32 bits of the md5 of its id, masked.
 * md5, not hashtext(): hashtext changed between PostgreSQL versions, md5 never will. NULL (which
 * the shard will refuse with ES006) goes to partition 0. Plain SQL without SET, so that it is
 * inlined into the PL/Proxy routing query.
 */
CREATE OR REPLACE FUNCTION event_store._partition(
    p_instance_id text
)
    RETURNS integer
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_instance_id IS NULL THEN 0
                ELSE ((pg_catalog.concat('x', pg_catalog.left(pg_catalog.md5(p_instance_id), 8)))::bit(32)::integer & 15)
           END
$$;

COMMENT ON FUNCTION event_store._partition(text) IS
    'Internal: the partition (0-15) owning an instance id: the first 32 bits of md5(id) & 15.';

REVOKE ALL ON FUNCTION event_store._partition(text) FROM PUBLIC;


COMMIT;
