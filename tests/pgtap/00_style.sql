-- Style suite over the whole event_store schema: conventions every object must follow.
-- Objects that belong to an extension are not ours and are skipped.
BEGIN;
SELECT plan(10);

SELECT has_schema('event_store');

SELECT is_empty(
    $$SELECT c.relname FROM pg_class c
       WHERE c.relnamespace = 'event_store'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') AND c.relkind IN ('r', 'v', 'm', 'p')
         AND obj_description(c.oid, 'pg_class') IS NULL$$,
    'every table and view in event_store has a COMMENT');

SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'event_store'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
         AND obj_description(p.oid, 'pg_proc') IS NULL$$,
    'every function and aggregate in event_store has a COMMENT');

SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'event_store'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
         AND p.prosecdef
         AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')$$,
    'every SECURITY DEFINER function pins search_path');

SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'event_store'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
         AND p.prokind = 'f' AND p.proname NOT LIKE '\_%'
         AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')$$,
    'every public function pins search_path (only internal hot-path helpers, called from pinned functions, may not)');

SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'event_store'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') AND p.prokind = 'f'
         AND p.proname NOT LIKE '\_%' AND NOT p.prosecdef$$,
    'every public function (no leading _) is SECURITY DEFINER');

SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'event_store'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
         AND has_function_privilege('public', p.oid, 'EXECUTE')$$,
    'PUBLIC can execute no function in event_store');

SELECT is_empty(
    $$SELECT c.relname || ': ' || r.rolname FROM pg_class c
       CROSS JOIN (VALUES ('public'), ('event_store_reader'), ('event_store_writer'), ('event_store_admin')) r(rolname)
       WHERE c.relnamespace = 'event_store'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') AND c.relkind IN ('r', 'v', 'm', 'p', 'S')
         AND has_table_privilege(r.rolname, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')$$,
    'no role but the owner has any privilege on a table of event_store');

SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'event_store'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') AND p.proname LIKE '\_%'
         AND (has_function_privilege('event_store_reader', p.oid, 'EXECUTE')
              OR has_function_privilege('event_store_writer', p.oid, 'EXECUTE')
              OR has_function_privilege('event_store_admin', p.oid, 'EXECUTE'))$$,
    'internal helpers (leading _) are executable by no role');

SELECT ok(NOT has_schema_privilege('public', 'event_store', 'USAGE, CREATE'),
          'PUBLIC has no privilege on schema event_store');

SELECT * FROM finish();
ROLLBACK;
