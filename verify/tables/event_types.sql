-- Verify supervisor_event_store:tables/event_types on pg

BEGIN;

SELECT event_type, category, description, data_schema, created_at
  FROM event_store.event_types
 WHERE false;

ROLLBACK;
