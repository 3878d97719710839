-- Revert supervisor_event_store:indexes/events_search from pg

BEGIN;

DROP INDEX event_store.events_search_trgm_idx;

-- Only drop the btree_gin installation this change made (in event_store), never one found elsewhere.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension x
                WHERE x.extname = 'btree_gin' AND x.extnamespace = 'event_store'::regnamespace) THEN
        DROP EXTENSION btree_gin;
    END IF;
END
$$;

COMMIT;
