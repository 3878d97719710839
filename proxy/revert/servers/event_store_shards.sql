-- Revert supervisor_event_store_proxy:servers/event_store_shards from pg

BEGIN;


DROP USER MAPPING IF EXISTS FOR PUBLIC SERVER event_store_shards;
DROP SERVER IF EXISTS event_store_shards;


COMMIT;
