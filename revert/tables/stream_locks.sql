-- Revert supervisor_event_store:tables/stream_locks from pg

BEGIN;

DROP TABLE event_store.stream_locks;

COMMIT;
