-- Verify supervisor_event_store:functions/_check_instance_row on pg

BEGIN;

SELECT 1 / (pg_catalog.strpos(p.prosrc, '[^[:space:]]') > 0)::int
  FROM pg_catalog.pg_proc p WHERE p.oid = 'event_store._check_instance_row()'::regprocedure;

ROLLBACK;
