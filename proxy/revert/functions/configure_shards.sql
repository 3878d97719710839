-- Revert supervisor_event_store_proxy:functions/configure_shards from pg

BEGIN;


DROP FUNCTION IF EXISTS event_store.configure_shards(text[]);


COMMIT;
