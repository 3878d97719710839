-- Deploy supervisor_event_store:indexes/events_global_position to pg
-- requires: tables/events

BEGIN;

/*
 * The cross-instance order. query_events across all instances with no filter reads its page
 * from here instead of sorting every event (10M events: 4.4 s before, docs/benchmarks.md), and
 * catch-up readers of all events page by it. A right-growing btree on a bigint: measured within
 * the noise of emit_event throughput at 16 clients.
 * Upgrading a big live database: this builds the index inside the deploy's transaction, which
 * blocks appends while it runs (about 10 s per 10M events here). To avoid that, create it first
 * with CREATE INDEX CONCURRENTLY under the same name; the deploy then keeps it.
 */
CREATE INDEX IF NOT EXISTS events_global_position_idx ON event_store.events (global_position);

COMMENT ON INDEX event_store.events_global_position_idx IS
    'All events in global order: query_events across instances without filters, catch-up reads.';

COMMIT;
