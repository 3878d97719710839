-- Verify supervisor_event_store:triggers/instances_check_row on pg

BEGIN;

-- Two triggers: BEFORE INSERT only, and AFTER UPDATE (tgtype bits: 1 row, 2 before, 4 insert, 16 update).
SELECT 1 / count(*)::int FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'event_store.instances'::regclass AND tgname = 'instances_check_row' AND tgtype & (2 | 4 | 16) = 2 | 4;
SELECT 1 / count(*)::int FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'event_store.instances'::regclass AND tgname = 'instances_check_row_update' AND tgtype & (2 | 16) = 16;

ROLLBACK;
