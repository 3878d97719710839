-- Verify supervisor_event_store:functions/_is_instance_id on pg

BEGIN;

SELECT 1 / (event_store._is_instance_id('odin-PS-8f4a2b') AND NOT event_store._is_instance_id('a b')
            AND NOT event_store._is_instance_id(NULL) AND NOT event_store._is_instance_id(repeat('a', 33)))::int;

ROLLBACK;
