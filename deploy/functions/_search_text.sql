-- Deploy supervisor_event_store:functions/_search_text to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The text that keyword search matches: every scalar value (strings, numbers, booleans; not
 * keys, not JSON null) of event_data and then metadata, at any depth, lower-cased and joined by
 * U+0001. IMMUTABLE so the trigram index (indexes/events_search) can be built on it.
 * No SET clause (a hot-path helper: it runs for every candidate row of a keyword query); it
 * names everything with pg_catalog.
 */
CREATE OR REPLACE FUNCTION event_store._search_text(
    p_event_data jsonb,
    p_metadata   jsonb
)
    RETURNS text
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
AS $$
    SELECT pg_catalog.lower(pg_catalog.string_agg(v.value OPERATOR(pg_catalog.#>>) '{}', pg_catalog.chr(1)))
      FROM (SELECT pg_catalog.jsonb_path_query(p_event_data, 'strict $.**')
            UNION ALL
            SELECT pg_catalog.jsonb_path_query(p_metadata, 'strict $.**')) v (value)
     WHERE pg_catalog.jsonb_typeof(v.value) NOT IN ('object', 'array')
$$;

COMMENT ON FUNCTION event_store._search_text(jsonb, jsonb) IS
    'Internal: the scalar values of event_data and metadata (not keys), lower-cased and joined by '
    'U+0001; what query_events'' p_keyword matches, and the expression of the trigram index.';

REVOKE ALL ON FUNCTION event_store._search_text(jsonb, jsonb) FROM PUBLIC;

COMMIT;
