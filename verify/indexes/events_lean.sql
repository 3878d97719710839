-- Verify supervisor_event_store:indexes/events_lean on pg

BEGIN;

-- No foreign key and no index left the write path would pay for fleet-wide reads.
SELECT 1 / (NOT EXISTS (SELECT FROM pg_catalog.pg_constraint c
                         WHERE c.conrelid = 'event_store.events'::regclass AND c.contype = 'f'))::int;
SELECT 1 / (pg_catalog.to_regclass('event_store.events_timestamp_idx') IS NULL)::int;
SELECT 1 / (SELECT pg_catalog.count(*) = 2 FROM pg_catalog.pg_trigger t
             WHERE t.tgname IN ('instances_never_deleted', 'event_types_never_deleted'))::int;

ROLLBACK;
