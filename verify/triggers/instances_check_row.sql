-- Verify supervisor_event_store:triggers/instances_check_row on pg

BEGIN;

-- tgtype bits: 1 row, 2 before, 4 insert, 16 update. A BEFORE INSERT row trigger, and an AFTER
-- UPDATE OF row trigger, both running the row rules.
SELECT 1 / count(*)::int FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'event_store.instances'::regclass AND tgname = 'instances_check_row'
   AND tgtype & (1 | 2 | 4 | 16) = 1 | 2 | 4
   AND tgfoid = 'event_store._check_instance_row()'::regprocedure;
SELECT 1 / count(*)::int FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'event_store.instances'::regclass AND tgname = 'instances_check_row_update'
   AND tgtype & (1 | 2 | 16) = 1 | 16 AND tgattr::int2[] <> '{}'
   AND tgfoid = 'event_store._check_instance_row()'::regprocedure;

ROLLBACK;
