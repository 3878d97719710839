-- Verify supervisor_event_store:functions/_keyword_terms on pg

BEGIN;

SELECT 1 / (event_store._keyword_terms('cold start (#17)') = '{start,"start 17",17}')::int;
SELECT 1 / (event_store._keyword_terms('timeout') IS NULL)::int;

ROLLBACK;
