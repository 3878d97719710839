-- Deploy supervisor_event_store:functions/_feed_slot to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The consumer-group slot (0 .. p_members - 1) of an instance: the first 32 bits of the md5 of
 * its id, modulo the group size. A hash we own, stable across PostgreSQL versions and platforms
 * (hashtext() is not), so an instance stays with one member, in order, across upgrades.
 * LANGUAGE sql without SET so it is inlined into the poll query (one per row); internal, and
 * every name in it is qualified.
 */
CREATE OR REPLACE FUNCTION event_store._feed_slot(
    p_instance_id text,
    p_members     int
)
    RETURNS int
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
AS $$
    SELECT (('x' || pg_catalog.left(pg_catalog.md5(p_instance_id), 8))::bit(32)::bigint
            % p_members)::int
$$;

COMMENT ON FUNCTION event_store._feed_slot(text, int) IS
    'Internal: the consumer-group slot of an instance (first 32 bits of md5(instance_id) mod the group size).';

REVOKE ALL ON FUNCTION event_store._feed_slot(text, int) FROM PUBLIC;

COMMIT;
