-- Deploy supervisor_event_store_proxy:functions/configure_shards to pg
-- requires: servers/event_store_shards
-- requires: roles/event_store

BEGIN;

/*
 * Points the partitions at the shard servers: partition p goes to p_conninfos[p % n + 1], so with
 * 2 shards the even partitions are on the first. The instances already stored must stay where
 * they are: change the map only to add shards by moving whole partitions (docs/scale-out.md).
 * Returns the map (partition -> shard number), never the connection strings (they may hold
 * passwords).
 */
CREATE OR REPLACE FUNCTION event_store.configure_shards(
    p_conninfos text[]
)
    RETURNS TABLE (partition_no integer, shard_no integer)
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_count integer := cardinality(p_conninfos);
BEGIN
    IF v_count IS NULL OR v_count NOT BETWEEN 1 AND 16 OR array_position(p_conninfos, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'p_conninfos must hold 1 to 16 connection strings, got %', coalesce(v_count, 0)
            USING ERRCODE = 'ES006',
                  HINT = 'One libpq connection string per shard server, e.g. ARRAY[''host=db1 dbname=event_store'', ''host=db2 dbname=event_store''].';
    END IF;
    FOR n IN 0..15 LOOP
        EXECUTE format('ALTER SERVER event_store_shards OPTIONS (SET p%s %L)', n, p_conninfos[n % v_count + 1]);
        partition_no := n;
        shard_no := n % v_count;
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store.configure_shards(text[]) IS
    'Admin: point partition p of the proxy at shard p % n of p_conninfos (libpq strings). Errors: ES006.';

REVOKE ALL ON FUNCTION event_store.configure_shards(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.configure_shards(text[]) TO event_store_admin;


COMMIT;
