-- Verify supervisor_event_store:indexes/fleet_index_terms on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_indexes
 WHERE schemaname = 'event_store' AND indexname = 'fleet_index_terms_idx'
   AND indexdef LIKE '%USING gin (instance_id%_search_terms(search_text))';

ROLLBACK;
