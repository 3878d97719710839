-- Verify supervisor_event_store:extensions/pg_trgm on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_extension WHERE extname = 'pg_trgm';

-- Not in event_store any more, and (where it is ours) no function executable by PUBLIC.
SELECT 1 / (NOT EXISTS (SELECT FROM pg_catalog.pg_extension x
                         WHERE x.extname = 'pg_trgm' AND x.extnamespace = 'event_store'::regnamespace))::int;
SELECT 1 / (NOT EXISTS (SELECT FROM pg_catalog.pg_proc p
                         WHERE p.pronamespace = 'event_store_ext'::regnamespace
                           AND pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')))::int;

ROLLBACK;
