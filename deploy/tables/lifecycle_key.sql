-- Deploy supervisor_event_store:tables/lifecycle_key to pg
-- requires: schemas/event_store

BEGIN;

/*
 * One row holding a random key. register_instance, heartbeat and mark_stale_instances put it in
 * the transaction-local setting event_store.lifecycle_key around their emit_event call (and clear
 * it right after); emit_event writes instance_registered, instance_heartbeat and instance_stale
 * only while that setting holds the key (_check_lifecycle_emit). Any session can set any custom
 * setting, but only the owner can read this table, so only those three functions can produce the
 * value: writers cannot forge lifecycle events (issue 10).
 */
CREATE TABLE event_store.lifecycle_key (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT lifecycle_key_one_row CHECK (singleton),
    key       text    NOT NULL DEFAULT pg_catalog.md5(pg_catalog.gen_random_uuid()::text || pg_catalog.clock_timestamp()::text)
);

COMMENT ON TABLE event_store.lifecycle_key IS
    'Owner-only, one row: the key with which register_instance, heartbeat and mark_stale_instances '
    'tell emit_event that they may write lifecycle events (instance_registered/heartbeat/stale).';

REVOKE ALL ON event_store.lifecycle_key FROM PUBLIC;

INSERT INTO event_store.lifecycle_key DEFAULT VALUES;

COMMIT;
