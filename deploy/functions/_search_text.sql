-- Deploy supervisor_event_store:functions/_search_text to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The text that keyword search matches: the scalar values (strings, numbers, booleans; not keys,
 * not JSON null) of event_data and then metadata, at any depth, as one lower-cased JSON array,
 * e.g. '["e-1", "fix timeout", 3, true]'. Strings keep their JSON escaping, so a keyword is
 * matched in its JSON-escaped form (query_events); a keyword containing ',', '[' or ']' could
 * also match the array's punctuation and is checked value by value as well.
 * One SQL expression without a SET clause, so the planner inlines it (about 2 µs per row, a
 * third of a per-value string_agg); IMMUTABLE for the trigram index (indexes/events_search).
 * Every name is schema-qualified.
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
    SELECT pg_catalog.lower(
        (pg_catalog.jsonb_path_query_array(p_event_data,
             'strict $.** ? (@.type() != "object" && @.type() != "array" && @.type() != "null")')
         OPERATOR(pg_catalog.||)
         pg_catalog.jsonb_path_query_array(p_metadata,
             'strict $.** ? (@.type() != "object" && @.type() != "array" && @.type() != "null")'))::text)
$$;

COMMENT ON FUNCTION event_store._search_text(jsonb, jsonb) IS
    'Internal: the scalar values of event_data and metadata (not keys, not null) as one lower-cased '
    'JSON array text; what query_events'' p_keyword matches, and the expression of the trigram index.';

REVOKE ALL ON FUNCTION event_store._search_text(jsonb, jsonb) FROM PUBLIC;

COMMIT;
