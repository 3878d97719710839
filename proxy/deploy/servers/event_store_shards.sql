-- Deploy supervisor_event_store_proxy:servers/event_store_shards to pg
-- requires: extensions/plproxy

BEGIN;

/*
 * 16 partitions (PL/Proxy wants a power of 2), more than servers, so that a shard can later be
 * split by moving partitions. Until configure_shards runs, every partition points nowhere.
 */
DO $$
BEGIN
    EXECUTE format('CREATE SERVER event_store_shards FOREIGN DATA WRAPPER plproxy OPTIONS (%s)',
                   (SELECT string_agg(format('p%s %L', n, 'dbname=event_store_not_configured'), ', ' ORDER BY n)
                      FROM generate_series(0, 15) n));
END
$$;

COMMENT ON SERVER event_store_shards IS
    'supervisor-event-store: the 16 partitions of the proxy (options p0..p15: libpq connection strings of the shard servers).';

-- The proxy's functions are SECURITY DEFINER: they connect as their owner, with the conninfo's user.
CREATE USER MAPPING FOR PUBLIC SERVER event_store_shards;


COMMIT;
