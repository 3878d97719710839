-- Deploy supervisor_event_store:functions/run_projector to pg
-- requires: functions/project_fleet
-- requires: functions/project_snapshots

BEGIN;

/*
 * The projector's loop, for a scheduler: apply project_fleet batches of 1,000, committing each,
 * for p_seconds (1-3600), sleeping p_idle_ms (1-10000) whenever the feed has nothing new, so
 * the fleet projection stays within about p_idle_ms of the feed's horizon; about once a second,
 * project_snapshots (each in its own transaction too), so replays stay short. On the embedded
 * cluster pg_cron starts `CALL event_store.run_projector(50)` every minute; on your own server
 * schedule the same, or run `event-store project`. Two at once are harmless: the second finds
 * the watermark locked and idles.
 * A procedure, because it commits between batches (each batch's transaction is short, so it
 * holds the feed's horizon only for a batch); a procedure that commits cannot carry SET or
 * SECURITY DEFINER, so it runs as its caller (who needs EXECUTE on project_fleet: the admin
 * role or the owner), with every name schema-qualified instead of a pinned search_path. Call it
 * outside a transaction block (CALL inside BEGIN cannot commit: 2D000).
 * While it sleeps it holds no transaction id, so it never holds back read_all.
 */
CREATE OR REPLACE PROCEDURE event_store.run_projector(
    p_seconds int DEFAULT 50,
    p_idle_ms int DEFAULT 50
)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_until timestamptz;
    v_snap  timestamptz := pg_catalog.clock_timestamp();
    v_n     int;
BEGIN
    IF p_seconds IS NULL OR p_seconds NOT BETWEEN 1 AND 3600 THEN
        RAISE EXCEPTION 'invalid seconds %: must be between 1 and 3600', coalesce(p_seconds::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Schedule it again (e.g. every minute with p_seconds 50).';
    END IF;
    IF p_idle_ms IS NULL OR p_idle_ms NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'invalid idle_ms %: must be between 1 and 10000', coalesce(p_idle_ms::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'The default, 50 ms, keeps the projection within about 50 ms of the feed.';
    END IF;
    v_until := pg_catalog.clock_timestamp() + pg_catalog.make_interval(secs => p_seconds);
    LOOP
        v_n := event_store.project_fleet(1000);
        COMMIT;
        IF pg_catalog.clock_timestamp() >= v_snap THEN
            PERFORM event_store.project_snapshots();
            COMMIT;
            v_snap := pg_catalog.clock_timestamp() + interval '1 second';
        END IF;
        EXIT WHEN pg_catalog.clock_timestamp() >= v_until;
        IF v_n < 1000 THEN
            PERFORM pg_catalog.pg_sleep(p_idle_ms / 1000.0);
        END IF;
    END LOOP;
END
$$;

COMMENT ON PROCEDURE event_store.run_projector(int, int) IS
    'Admin (the projector loop for a scheduler): apply project_fleet batches, committing each, for p_seconds '
    '(default 50), sleeping p_idle_ms (default 50) when nothing is new; project_snapshots about once a second. CALL it outside a transaction block. '
    'Errors: ES006 invalid argument.';

REVOKE ALL ON PROCEDURE event_store.run_projector(int, int) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE event_store.run_projector(int, int) TO event_store_admin;

COMMIT;
