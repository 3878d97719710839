-- Verify supervisor_event_store:triggers/events_immutable on pg

BEGIN;

SELECT 1 / (COUNT(*) = 2)::int
  FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'event_store.events'::regclass
   AND tgname IN ('events_immutable_row', 'events_immutable_truncate');

ROLLBACK;
