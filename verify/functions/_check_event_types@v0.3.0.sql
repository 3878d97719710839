-- Verify supervisor_event_store:functions/_check_event_types on pg

BEGIN;

SELECT event_store._check_event_types(ARRAY['epic_started']);
SELECT event_store._check_date_range(NULL, now());

ROLLBACK;
