-- Deploy supervisor_event_store:tables/stream_locks to pg
-- requires: tables/instances

BEGIN;

/*
 * One row per instance whose only use is to be locked: the stream lock (_lock_stream) is
 * SELECT ... FOR UPDATE of the instance's row here. Only the owner has any privilege on this
 * table, so no other role can take (or hold) the lock: the advisory lock it replaces needed no
 * privilege at all (issue 10). The rows are never updated, so a row keeps one version (one TID)
 * and writers queue on its tuple lock in arrival order, as they did on the advisory lock; the
 * instances row gets a new version on every head bump, and waiters on it re-queue on each one.
 * _lock_stream inserts a missing row itself (new instance), so no other code writes here.
 * No foreign key: a row is inserted (by _lock_stream) before its instance exists, and it is
 * never read but to be locked. fillfactor 10, like instances: the rows of busy streams sit on
 * more pages, so fewer lockers contend for one page's buffer lock.
 * UNLOGGED: locking a row of a logged table writes a WAL record (and, first after each checkpoint,
 * an image of the whole page) on every emit, which a lock that lives only until commit does not
 * need. The rows hold nothing: after a crash the table comes back empty, as unlogged tables do,
 * and _lock_stream inserts each instance's row again the next time it is written to. A standby
 * cannot read an unlogged table; only writers, on the primary, ever lock.
 */
CREATE UNLOGGED TABLE event_store.stream_locks (
    instance_id varchar(32) PRIMARY KEY
) WITH (fillfactor = 10);

COMMENT ON TABLE event_store.stream_locks IS
    'Stream locks: one row per instance, only ever row-locked (FOR UPDATE) by _lock_stream before the '
    'instances row; never updated. Owner-only, so no other role can take or hold a stream lock. Unlogged '
    '(no WAL per lock); empty after a crash, refilled by _lock_stream as streams are written.';

REVOKE ALL ON event_store.stream_locks FROM PUBLIC;

INSERT INTO event_store.stream_locks (instance_id)
SELECT i.instance_id FROM event_store.instances i
    ON CONFLICT (instance_id) DO NOTHING;

COMMIT;
