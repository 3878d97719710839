-- Verify supervisor_event_store:tables/stream_locks on pg

BEGIN;

SELECT instance_id FROM event_store.stream_locks WHERE false;
SELECT 1 / (NOT pg_catalog.has_table_privilege('event_store_admin', 'event_store.stream_locks',
                                               'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'))::int;

-- Unlogged: no WAL per lock.
SELECT 1 / (c.relpersistence = 'u')::int FROM pg_catalog.pg_class c WHERE c.oid = 'event_store.stream_locks'::regclass;

ROLLBACK;
