"""Reads on a replica (``read_dsn``) and read-your-writes: the policy, once, for both clients.

    EventStore(dsn, read_dsn="postgresql://standby-host/event_store")

The read functions of ``REPLICA_READS`` go to the read pool (a hot standby of the primary, or a
multi-host DSN such as ``host=s1,s2 target_session_attrs=prefer-standby``, which libpq resolves);
everything else, writes and subscriptions included, goes to the primary (``dsn``).

Read-your-writes (on by default): a read waits until the replica it runs on has replayed every
write this client object had finished when the read started. After a write the client notes only
that it wrote; the next replica read asks the primary for its WAL position
(``pg_current_wal_insert_lsn()``, at or past the commit of every write already returned) and, on
the replica connection, waits until ``pg_last_wal_replay_lsn()`` passes it (polling, 1 ms
doubling to 50 ms) before it reads there. Writes pay nothing: the commit's own LSN cannot come
back with a write's rows (the function returns before its transaction commits), so the position
is asked for once per read after any number of writes. A replica connection already seen past
the position skips the check.

Bounded: when the replica has not replayed the writes within ``replica_timeout`` seconds, or
cannot be reached within them (its pool gives no connection, the connection breaks), or cancels
the read for a conflict with recovery, the read goes to the primary (``fallback_to_primary=True``,
the default) or raises ``ReplicaUnavailableError`` (a caller's ``read_pool`` waits for a
connection as long as its own ``timeout`` says). After the replica was unreachable, reads go
to the primary for ``REPLICA_RETRY_AFTER`` seconds before it is tried again. A read never
returns data older than this client's own writes.

Read-your-writes compares WAL positions of one server: ``read_dsn`` must reach the primary's own
standbys (or the primary). A server of another system (a read proxy in front of the shards'
standbys, another cluster) is refused with InvalidArgumentError (ES006) at the first read that
needs the check; pass ``read_your_writes=False`` to read there without it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Mapping
from typing import Any
from weakref import WeakKeyDictionary

from .errors import EventStoreError, InvalidArgumentError, ReplicaUnavailableError, is_transient

# The SQL functions a replica answers: the read side and the change feed (every one tested on a
# hot standby in test_replicas.py). replay_events there never stores an automatic snapshot (it
# skips it in a read-only transaction). Not here, so on the primary: the writes, the projector,
# and the subscriptions (poll_subscription renews leases; list_subscriptions reports what holds
# the primary's horizon back).
REPLICA_READS = frozenset({
    "query_events",
    "count_events",
    "get_latest_events",
    "get_event_by_id",
    "get_event_count",
    "aggregate_events_by_type",
    "list_event_types",
    "list_instances",
    "replay_events",
    "read_all",
    "feed_cursor",
    "wait_for_events",
})

DEFAULT_REPLICA_TIMEOUT = 2.0  # seconds a read waits for the replica before the primary answers it
REPLICA_RETRY_AFTER = 5.0  # seconds reads go to the primary after the replica was unreachable
_FIRST_POLL, _LONGEST_POLL = 0.001, 0.05

# The primary's position after this client's writes, and the replica's; with the system
# identifier, which a standby shares with its primary (and no other server does).
PRIMARY_POSITION = """
SELECT pg_current_wal_insert_lsn()::text AS lsn,
       (SELECT system_identifier FROM pg_control_system())::text AS system"""
REPLICA_POSITION = """
SELECT pg_is_in_recovery() AS standby,
       pg_last_wal_replay_lsn()::text AS lsn,
       (SELECT system_identifier FROM pg_control_system())::text AS system"""

# A standby cancels a query that conflicts with replay (vacuum cleanup, a dropped table...):
# 40001 or 40P01 there, 57P04 when the database was dropped. The primary can answer it.
_RECOVERY_CONFLICTS = ("40001", "40P01", "57P04")

Sleep = float  # a step of ``Replica.catch_up``: seconds to wait before the next position


def lsn(text: str) -> int:
    """A pg_lsn ('16/B374D848') as a number, to compare."""
    high, _, low = text.partition("/")
    return int(high, 16) << 32 | int(low, 16)


def _text(position: int) -> str:
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


_CURRENT = 1 << 64  # past any LSN: a connection to the primary itself never waits


class Replica:
    """The read side of a client with a ``read_dsn``: where a read goes, and what it waits for.
    Shared by the client's threads (or tasks); each client holds one."""

    def __init__(self, where: str, *, read_your_writes: bool, timeout: float, fallback: bool) -> None:
        if not timeout > 0:
            raise InvalidArgumentError(
                f"invalid argument: replica_timeout must be a positive number of seconds, got {timeout!r}",
                hint="Pass replica_timeout=2.0, say: how long a read waits for the replica.",
                sqlstate="ES006",
            )
        self.where = where
        self.read_your_writes = read_your_writes
        self.timeout = timeout
        self.fallback = fallback
        self._lock = threading.Lock()
        self._writes = 0  # writes sent through the client
        self._covered = 0  # how many of them _target is known to cover
        self._target = 0  # a primary LSN at or past the commit of every covered write
        self._system: str | None = None  # the primary's system identifier
        self._seen: WeakKeyDictionary[Any, int] = WeakKeyDictionary()  # replay LSN per replica connection
        self._down_until = 0.0

    # --- where a call goes -----------------------------------------------------------------------

    def serves(self, name: str) -> bool:
        """Whether the SQL function ``name`` is read on the replica now (not while it is down)."""
        return name in REPLICA_READS and time.monotonic() >= self._down_until

    def wrote(self, name: str) -> None:
        """After a call of ``name`` returned or failed on the primary: unless it is one of
        REPLICA_READS, a write (or possibly one), which the next reads wait for."""
        if name not in REPLICA_READS:
            with self._lock:
                self._writes += 1

    # --- read-your-writes ------------------------------------------------------------------------

    def pending(self) -> int:
        """The number of writes a read must see when their position is not known yet (the client
        then asks the primary for PRIMARY_POSITION and passes it to ``cover``), else 0."""
        with self._lock:
            return self._writes if self.read_your_writes and self._writes > self._covered else 0

    def cover(self, writes: int, position: Mapping[str, Any]) -> None:
        """The primary's PRIMARY_POSITION, read after the first ``writes`` writes returned."""
        with self._lock:
            if writes > self._covered:
                self._covered = writes
                self._target = max(self._target, lsn(position["lsn"]))
                self._system = position["system"]

    def catch_up(self, conn: object) -> Generator[str | Sleep, Any, bool]:
        """On the replica connection ``conn``: yields REPLICA_POSITION (the client sends back its
        row) or seconds to sleep, until the replica has replayed the covered writes (True: read
        there). Past ``timeout``: False (read on the primary) or ReplicaUnavailableError."""
        target, system = self._target, self._system
        with self._lock:
            seen = self._seen.get(conn, -1)
        if not self.read_your_writes or target == 0 or seen >= target:
            return True
        deadline, delay = time.monotonic() + self.timeout, _FIRST_POLL
        while True:
            row = yield REPLICA_POSITION
            if row["system"] != system:
                raise InvalidArgumentError(
                    f"read-your-writes: the replica {self.where} is not a standby of the primary "
                    f"(system identifier {row['system']}, the primary's {system})",
                    hint="read_dsn must reach the primary's own standbys; to read another server "
                    "without waiting for your writes, pass read_your_writes=False.",
                    sqlstate="ES006",
                )
            if not row["standby"]:  # the primary itself (e.g. prefer-standby found no standby)
                self._note(conn, _CURRENT)
                return True
            replay = lsn(row["lsn"]) if row["lsn"] else 0  # NULL: a standby still starting
            self._note(conn, replay)
            if replay >= target:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                self._give_up(
                    f"the replica {self.where} has not replayed this client's writes within "
                    f"{self.timeout:g} s (replayed up to {row['lsn']}, the writes need {_text(target)})"
                )
                return False
            yield min(delay, left)
            delay = min(delay * 2, _LONGEST_POLL)

    def _note(self, conn: object, replay: int) -> None:
        with self._lock:
            self._seen[conn] = replay

    # --- when the replica cannot answer ----------------------------------------------------------

    def failed(self, exc: EventStoreError) -> bool:
        """Whether a read that failed on the replica with ``exc`` goes to the primary instead
        (unreachable, broken connection, recovery conflict); ReplicaUnavailableError when that
        is the case and ``fallback`` is off; False for any other error (raise it)."""
        if is_transient(exc):
            self._down_until = time.monotonic() + REPLICA_RETRY_AFTER
            self._give_up(f"the replica {self.where} is unavailable: {exc.message}", exc)
            return True
        if exc.sqlstate in _RECOVERY_CONFLICTS:
            self._give_up(f"the replica {self.where} cancelled the read: {exc.message}", exc)
            return True
        return False

    def _give_up(self, reason: str, cause: EventStoreError | None = None) -> None:
        """Return (the primary answers) when ``fallback`` is on, else raise ReplicaUnavailableError."""
        if self.fallback:
            return
        raise ReplicaUnavailableError(
            reason,
            hint="Retry later, raise replica_timeout, or construct the client with "
            "fallback_to_primary=True to read on the primary meanwhile.",
        ) from cause
