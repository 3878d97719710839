-- Revert supervisor_event_store_proxy:extensions/plproxy from pg

BEGIN;


DROP EXTENSION IF EXISTS plproxy;


COMMIT;
