-- Deploy supervisor_event_store:functions/list_event_types to pg
-- requires: tables/event_types
-- requires: roles/event_store_reader

BEGIN;

/* The registered event types, optionally of one category, by category then type. */
CREATE OR REPLACE FUNCTION event_store.list_event_types(
    p_category text DEFAULT NULL
)
    RETURNS TABLE (event_type text, category text, description text, data_schema jsonb)
    LANGUAGE plpgsql
    STABLE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF p_category IS NOT NULL
       AND NOT EXISTS (SELECT FROM event_store.event_types et WHERE et.category = p_category) THEN
        RAISE EXCEPTION 'unknown category "%"', p_category
            USING ERRCODE = 'ES006',
                  HINT = format('Known categories: %s; or pass NULL for all types.',
                                (SELECT string_agg(DISTINCT et.category, ', ') FROM event_store.event_types et));
    END IF;
    RETURN QUERY
    SELECT et.event_type, et.category, et.description, et.data_schema
      FROM event_store.event_types et
     WHERE p_category IS NULL OR et.category = p_category
     ORDER BY et.category, et.event_type;
END
$$;

COMMENT ON FUNCTION event_store.list_event_types(text) IS
    'Registered event types as (event_type, category, description, data_schema), all or one '
    'p_category, by category and type. Errors: ES006 unknown category.';

REVOKE ALL ON FUNCTION event_store.list_event_types(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.list_event_types(text) TO event_store_reader;

COMMIT;
