-- Verify supervisor_event_store_proxy:functions/_reraise on pg

BEGIN;


SELECT has_function_privilege('event_store._reraise(text, text, text, text, integer)', 'execute');
ROLLBACK;
