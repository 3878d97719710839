-- Verify supervisor_event_store:functions/_search_terms on pg

BEGIN;

SELECT 1 / (event_store._search_terms('["cold start (#17)", 3]') = '{cold,"cold start",start,"start 17",17,"17 3",3}')::int;

ROLLBACK;
