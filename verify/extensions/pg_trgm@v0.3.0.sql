-- Verify supervisor_event_store:extensions/pg_trgm on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_extension WHERE extname = 'pg_trgm';

ROLLBACK;
