-- Deploy supervisor_event_store:functions/_search_terms to pg
-- requires: schemas/event_store

BEGIN;

/*
 * The terms of a keyword-search text, for fleet_index_terms_idx: every token (a maximal run of
 * a-z and 0-9) of 1 to 40 characters, and every two adjacent tokens of that length joined by a
 * space ("start 17"). The text is _search_text's (lower-cased JSON), the tokens are found on it
 * literally, JSON escapes included ('fix\tbug' holds 'fix' and 'tbug').
 *
 * What it is for: a keyword's tokens that have a separator on both sides inside the keyword
 * ('start' and '17' in 'cold start (#17)') are whole tokens of every text that holds the keyword,
 * and two of them next to each other in the keyword are next to each other there: so "the
 * text's terms contain the keyword's" (_keyword_terms) is a necessary condition of the
 * substring match, which query_events checks on the few rows that pass it. A pair is what makes
 * it selective: 'start' and '17' are each in 1-5% of the bench's events, 'start 17' in 0.01%.
 * Trigrams of common words ('sta', 'art') have posting lists of millions of rows, and scanning
 * them was the cost of a rare combination of common words (342 ms at 10M events).
 *
 * PL/pgSQL: a loop over regexp_split_to_array is several times cheaper per row than the same in
 * one SQL statement (which is not inlined in an index expression). IMMUTABLE for the index;
 * every name and operator is schema-qualified (it runs under the caller's search_path).
 */
CREATE OR REPLACE FUNCTION event_store._search_terms(
    p_text text
)
    RETURNS text[]
    LANGUAGE plpgsql
    IMMUTABLE
    STRICT
    PARALLEL SAFE
AS $$
DECLARE
    v_tokens text[] := pg_catalog.regexp_split_to_array(p_text, '[^a-z0-9]+');
    v_n      int := pg_catalog.cardinality(v_tokens);
    v_terms  text[] := '{}';
    v_next   text;
BEGIN
    FOR i IN 1 .. v_n LOOP
        CONTINUE WHEN pg_catalog.length(v_tokens[i]) OPERATOR(pg_catalog.=) 0
                   OR pg_catalog.length(v_tokens[i]) OPERATOR(pg_catalog.>) 40;
        v_terms := pg_catalog.array_append(v_terms, v_tokens[i]);
        v_next := v_tokens[i OPERATOR(pg_catalog.+) 1];
        IF pg_catalog.length(v_next) OPERATOR(pg_catalog.>) 0 AND pg_catalog.length(v_next) OPERATOR(pg_catalog.<=) 40 THEN
            v_terms := pg_catalog.array_append(v_terms, v_tokens[i] OPERATOR(pg_catalog.||) ' '
                                                        OPERATOR(pg_catalog.||) v_next);
        END IF;
    END LOOP;
    RETURN v_terms;
END
$$;

COMMENT ON FUNCTION event_store._search_terms(text) IS
    'Internal: the tokens (runs of a-z0-9, 1-40 characters) of a keyword-search text and the pairs of '
    'adjacent tokens ("start 17"): the expression of fleet_index_terms_idx.';

REVOKE ALL ON FUNCTION event_store._search_terms(text) FROM PUBLIC;

COMMIT;
