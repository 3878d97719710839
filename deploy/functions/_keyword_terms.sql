-- Deploy supervisor_event_store:functions/_keyword_terms to pg
-- requires: functions/_search_terms

BEGIN;

/*
 * The terms every text holding a keyword has (see _search_terms): of the keyword's tokens (in its
 * JSON-escaped, lower-cased form, as query_events matches it), those with a separator on both
 * sides inside the keyword, which must be whole tokens of the text, and each two of them that are
 * adjacent in the keyword. The first and the last token may be parts of longer ones ('cold' in
 * 'cold start (#17)' may be the end of 'scold') and are left out. NULL when there is none (a
 * single word, 'fix bug'): query_events then uses the trigram index.
 */
CREATE OR REPLACE FUNCTION event_store._keyword_terms(
    p_keyword_json text
)
    RETURNS text[]
    LANGUAGE sql
    IMMUTABLE
    STRICT
    PARALLEL SAFE
AS $$
    SELECT NULLIF(
               event_store._search_terms(' ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(
                   s.t[2 : pg_catalog.cardinality(s.t) OPERATOR(pg_catalog.-) 1], ' ')
                   OPERATOR(pg_catalog.||) ' '),
               '{}')
      FROM (SELECT pg_catalog.regexp_split_to_array(p_keyword_json, '[^a-z0-9]+') AS t) s
$$;

COMMENT ON FUNCTION event_store._keyword_terms(text) IS
    'Internal: the terms (_search_terms) every text holding the keyword has: its tokens with a separator '
    'on both sides inside it, and adjacent pairs of them; NULL when there is none.';

REVOKE ALL ON FUNCTION event_store._keyword_terms(text) FROM PUBLIC;

COMMIT;
