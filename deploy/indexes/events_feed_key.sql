-- Deploy supervisor_event_store:indexes/events_feed_key to pg
-- requires: columns/events_feed_key

BEGIN;

/*
 * The change-feed order: read_all and subscriptions page by keyset on (feed_key,
 * global_position), so a page costs O(page) at any depth. As for events_global_position_idx, a
 * big live database can build it first with CREATE INDEX CONCURRENTLY under the same name.
 */
CREATE INDEX IF NOT EXISTS events_feed_key_idx ON event_store.events (feed_key, global_position);

COMMENT ON INDEX event_store.events_feed_key_idx IS
    'The change-feed order (feed_key, global_position): read_all and subscription polls.';

COMMIT;
