-- Verify supervisor_event_store:functions/_feed_slot on pg

BEGIN;

-- The hash is part of the contract: the first 32 bits of md5(instance_id), unsigned.
SELECT 1 / (event_store._feed_slot('a', 1000000007)
            = (('x' || left(md5('a'), 8))::bit(32)::bigint % 1000000007))::int;

ROLLBACK;
