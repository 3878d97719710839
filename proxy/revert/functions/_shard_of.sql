-- Revert supervisor_event_store_proxy:functions/_shard_of from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store._shard_of(text, text);

COMMIT;
