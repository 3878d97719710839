-- Deploy supervisor_event_store_proxy:functions/_reraise to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The error handler of every proxy function. PL/Proxy passes a shard's error on with its
 * SQLSTATE but prefixes the message ("event_store_remote.f(3): [event_store] REMOTE ERROR: ..."),
 * the detail ("Remote detail: ") and the hint ("Remote hint: "): raise it again as the shard
 * raised it, so clients see the same error through the proxy as on one server. A shard that
 * cannot be reached, or that ended the proxy's session (shutting down, a FATAL error), is ES010
 * naming it (host, port, partition) when the error says which; any other error goes on as is.
 */
CREATE OR REPLACE FUNCTION event_store._reraise(
    p_state     text,
    p_message   text,
    p_detail    text,
    p_hint      text,
    p_partition integer
)
    RETURNS void
    LANGUAGE plpgsql
    IMMUTABLE
    SET search_path = event_store, pg_temp
AS $$
DECLARE
    v_state   text := p_state;
    v_message text := p_message;
    v_detail  text := nullif(p_detail, '');
    v_hint    text := nullif(p_hint, '');
    v_server  text[];
BEGIN
    IF strpos(p_message, 'REMOTE ERROR: ') > 0 THEN
        v_message := substr(p_message, strpos(p_message, 'REMOTE ERROR: ') + length('REMOTE ERROR: '));
        v_detail := nullif(regexp_replace(coalesce(p_detail, ''), '^Remote detail: ', ''), '');
        v_hint := nullif(regexp_replace(coalesce(p_hint, ''), '^Remote hint: ', ''), '');
    ELSIF strpos(p_message, 'event_store_not_configured') > 0 THEN
        v_state := 'ES010';
        v_message := 'the proxy has no shards yet';
        v_detail := NULL;
        v_hint := 'An admin configures them: SELECT event_store.configure_shards(ARRAY[''host=... dbname=event_store'', ...]).';
    ELSIF p_state LIKE '08%' OR p_state LIKE '57P0_'
          OR p_message ~ '(PQconnectPoll|could not connect|server closed the connection|connection to server|Connection refused|timeout expired|REMOTE FATAL: )' THEN
        -- 57P0x and REMOTE FATAL: the shard is shutting down or starting up, or ended the
        -- proxy's session (e.g. "terminating connection due to administrator command" on a
        -- connection opened before it stopped): the shard is unavailable, not the proxy.
        v_server := regexp_match(p_message, 'server at "([^"]*)"(?: \([^)]*\))?, port ([0-9]+)');
        v_state := 'ES010';
        v_message := format('shard %s is unavailable',
                            CASE WHEN v_server IS NULL THEN 'of this call'
                                 ELSE format('at %s:%s', v_server[1], v_server[2]) END)
                     || CASE WHEN p_partition IS NULL THEN ' (a call to all shards)'
                             ELSE format(' (partition %s)', p_partition) END;
        v_detail := p_message;
        v_hint := 'Instances on the other shards keep working; retry when that server is back.';
    END IF;
    IF v_detail IS NULL AND v_hint IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message;
    ELSIF v_detail IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message, HINT = v_hint;
    ELSIF v_hint IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message, DETAIL = v_detail;
    ELSE
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message, DETAIL = v_detail, HINT = v_hint;
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._reraise(text, text, text, text, integer) IS
    'Internal: raise a shard''s error as the shard raised it (without PL/Proxy''s prefixes); ES010 for an unreachable shard.';

REVOKE ALL ON FUNCTION event_store._reraise(text, text, text, text, integer) FROM PUBLIC;


COMMIT;
