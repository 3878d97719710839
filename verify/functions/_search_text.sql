-- Verify supervisor_event_store:functions/_search_text on pg

BEGIN;

SELECT 1 / (event_store._search_text('{"a": "X", "b": [1, {"c": true}]}', '{"d": null}') = '["x", 1, true]')::int;

ROLLBACK;
