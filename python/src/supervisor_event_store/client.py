"""``EventStore``: the synchronous client. Each method is one call of an ``event_store`` SQL function.

    with EventStore() as store:                      # DSN: explicit > DATABASE_URL > PG* > local cluster
        store.register_instance("odin-PS-8f4a2b", "PS", "odin")
        store.emit_event("odin-PS-8f4a2b", "epic_started", {"epic_id": "E-1"})

The pool is created closed and opened by ``open()`` (or ``with``), which first makes one direct
connection so that an unreachable server fails at once with the reason and the address.
A caller's pool is used as is: the caller opens and closes it.

Safe retries: ``emit_event`` and ``emit_events`` give every event an ``event_id`` (uuid4) when the
caller gives none, and send the call again (up to ``retries`` times, with exponential backoff)
when the connection breaks or the server is down or restarting. The store returns the stored
row for an identical event id, so a retry of an emit that did commit writes nothing twice; when
every attempt fails, the last error is raised. Other calls are sent once.

Reads on a replica: with ``read_dsn`` (or a caller's ``read_pool``) the read functions go there
and the rest to the primary, with read-your-writes; the policy and its options are in
``replicas.py``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast
from uuid import UUID, uuid4

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from . import _sql
from . import subscriptions as feed
from .cluster import describe_dsn, resolve_dsn
from .errors import EventStoreError, InvalidArgumentError, UnreadableDataError, is_transient, translate_errors
from .models import (
    EmitResult,
    Event,
    EventType,
    Instance,
    JsonObject,
    QueryResult,
    ReplayResult,
    Snapshot,
    StaleInstance,
    TypeCount,
)
from .replicas import DEFAULT_REPLICA_TIMEOUT, PRIMARY_POSITION, Replica

R = TypeVar("R")
P = TypeVar("P", "ConnectionPool[Any]", "AsyncConnectionPool[Any]")

DEFAULT_STALE_TIMEOUT = timedelta(seconds=120)
DEFAULT_RETRIES = 5
RETRY_BACKOFF = 0.1  # seconds before the first retry; doubled before each next one (0.1 .. 1.6 s)


def with_event_ids(events: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The batch with an ``event_id`` in each event that has none (a copy; the caller's is left as is)."""
    if isinstance(events, str | bytes | Mapping):
        return events  # type: ignore[return-value]  # not a list of events: the server says so (ES006)
    return [
        {**event, "event_id": uuid4()}
        if isinstance(event, Mapping) and event.get("event_id") is None
        else event
        for event in events
    ]


def type_list(event_types: str | Sequence[str] | None) -> list[str] | None:
    """``event_types`` as a list: a single str is one type (not its characters)."""
    if event_types is None:
        return None
    return [event_types] if isinstance(event_types, str) else list(event_types)


@contextmanager
def reading(call: _sql.Call[Any]) -> Iterator[None]:
    """Name the SQL function in an UnreadableDataError raised while its rows are decoded."""
    try:
        yield
    except UnreadableDataError as exc:
        raise UnreadableDataError(f"{call.name}: {exc.message}", hint=exc.hint) from exc


def _checked_dsn(dsn: str, name: str) -> str:
    """``dsn`` when libpq can parse it, else InvalidArgumentError (ES006) naming the argument."""
    try:
        conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise InvalidArgumentError(
            f"invalid {name}: {' '.join(str(exc).split())}",
            hint="Use a URL such as postgresql://user@host:5432/event_store, "
            "or key=value pairs such as 'host=localhost port=5432 dbname=event_store'.",
            sqlstate="ES006",
        ) from exc
    return dsn


class _PoolOwner(Generic[P]):
    """What both clients share: resolve the DSN once, create our pools closed, or adopt a caller's;
    with ``read_dsn`` or ``read_pool``, a second pool for the reads a replica answers."""

    _pool_class: type[P]

    def __init__(
        self,
        dsn: str | None = None,
        *,
        pool: P | None = None,
        min_size: int = 1,
        max_size: int = 4,
        timeout: float = 30.0,
        connect_timeout: int = 10,
        retries: int = DEFAULT_RETRIES,
        read_dsn: str | None = None,
        read_pool: P | None = None,
        read_your_writes: bool = True,
        replica_timeout: float = DEFAULT_REPLICA_TIMEOUT,
        fallback_to_primary: bool = True,
    ) -> None:
        self._owns_pool = pool is None
        self.retries = retries
        if pool is None:
            self.dsn = _checked_dsn(resolve_dsn() if dsn is None else dsn, "dsn")
            pool = self._new_pool(self.dsn, min_size, max_size, timeout, connect_timeout, "event-store")
        else:
            self.dsn = pool.conninfo if isinstance(pool.conninfo, str) else ""
        self.pool: P = pool
        self.where = describe_dsn(self.dsn)
        self._connect_timeout = connect_timeout
        # The replica: reads of replicas.REPLICA_READS go to read_pool (ours when made from read_dsn).
        self._owns_read_pool = read_pool is None and read_dsn is not None
        if self._owns_read_pool:
            read_dsn = _checked_dsn(cast(str, read_dsn), "read_dsn")
            # A pool that gives no connection within replica_timeout sends the read to the primary.
            read_pool = self._new_pool(read_dsn, min_size, max_size, replica_timeout, connect_timeout,
                                       "event-store-replica")
        self.read_pool: P | None = read_pool
        self.replica: Replica | None = None
        if read_pool is not None:
            read_where = describe_dsn(read_pool.conninfo if isinstance(read_pool.conninfo, str) else "")
            self.replica = Replica(read_where, read_your_writes=read_your_writes, timeout=replica_timeout,
                                   fallback=fallback_to_primary)

    def _new_pool(self, dsn: str, min_size: int, max_size: int, timeout: float, connect_timeout: int,
                  name: str) -> P:
        return self._pool_class(
            dsn,
            open=False,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            kwargs={"autocommit": True, "connect_timeout": connect_timeout},
            name=name,
        )

    def _delays(self) -> Iterator[float]:
        """Seconds to wait before each retry of an idempotent call."""
        return (RETRY_BACKOFF * 2**attempt for attempt in range(self.retries))


class EventStore(_PoolOwner["ConnectionPool[Any]"]):
    """Synchronous client over a ``psycopg_pool.ConnectionPool`` (autocommit: one call, one transaction).

    ``EventStore(dsn=None, *, pool=None, min_size=1, max_size=4, timeout=30.0, connect_timeout=10,
    retries=5, read_dsn=None, read_pool=None, read_your_writes=True, replica_timeout=2.0,
    fallback_to_primary=True)``
    """

    _pool_class = ConnectionPool

    # --- life cycle ----------------------------------------------------------------------------

    def open(self) -> None:
        """Open our pools (a caller's are left alone); fail fast when the primary is unreachable
        (the replica's pool connects in the background: reads go to the primary until it can)."""
        if self._owns_read_pool and self.read_pool is not None:
            self.read_pool.open(wait=False)
        if not self._owns_pool:
            return
        with translate_errors(self.where):
            psycopg.connect(self.dsn, connect_timeout=self._connect_timeout).close()
            self.pool.open(wait=True, timeout=self.pool.timeout)

    def close(self) -> None:
        """Close our pools (a caller's are left alone)."""
        if self._owns_read_pool and self.read_pool is not None:
            self.read_pool.close()
        if self._owns_pool:
            self.pool.close()

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self, call: _sql.Call[R], /, **arguments: Any) -> R:
        params = call.params(arguments)
        replica = self.replica
        if replica is not None and replica.serves(call.name):
            if (writes := replica.pending()) > 0:
                replica.cover(writes, self._primary_position())
            answer = self._run_on_replica(replica, call, params)
            if answer is not None:
                return answer[0]
        try:
            with translate_errors(self.where), self.pool.connection() as conn:
                return self._execute(conn, call, params)
        finally:
            if replica is not None:
                replica.wrote(call.name)

    def _execute(self, conn: psycopg.Connection[Any], call: _sql.Call[R], params: dict[str, Any]) -> R:
        if call.procedure and not conn.autocommit:  # a caller's pool: no BEGIN before the CALL
            return self._run_autocommit(conn, call, params)
        cur = conn.cursor(row_factory=dict_row)
        _sql.use_loads(cur)
        cur.execute(call.sql, params)
        with reading(call):
            return call.result(cur.fetchall() if cur.description else [])

    def _primary_position(self) -> dict[str, Any]:
        """The row of replicas.PRIMARY_POSITION: where the primary's WAL is now."""
        with translate_errors(self.where), self.pool.connection() as conn:
            row = conn.cursor(row_factory=dict_row).execute(PRIMARY_POSITION).fetchone()
            return cast(dict[str, Any], row)

    def _run_on_replica(
        self, replica: Replica, call: _sql.Call[R], params: dict[str, Any]
    ) -> tuple[R] | None:
        """``(result,)`` of ``call`` on the replica once it has caught up with this client's writes
        (replicas.py); None when the primary must answer instead."""
        assert self.read_pool is not None
        try:
            with translate_errors(replica.where), self.read_pool.connection() as conn:
                plan = replica.catch_up(conn)
                try:
                    step = next(plan)
                    while True:
                        if isinstance(step, str):
                            step = plan.send(conn.cursor(row_factory=dict_row).execute(step).fetchone())
                        else:
                            time.sleep(step)
                            step = next(plan)
                except StopIteration as caught_up:
                    if not caught_up.value:
                        return None
                return (self._execute(conn, call, params),)
        except EventStoreError as exc:
            if not replica.failed(exc):
                raise
            return None

    @staticmethod
    def _run_autocommit(conn: psycopg.Connection[Any], call: _sql.Call[R], params: dict[str, Any]) -> R:
        """A procedure that commits (``run_projector``) on a connection of a caller's pool that is
        not autocommit: CALLed outside a transaction block, then the connection is given back as
        it was (our own pool's connections are autocommit)."""
        conn.autocommit = True
        try:
            conn.execute(call.sql, params)
        finally:
            if not conn.closed:
                conn.autocommit = False
        return call.result([])

    def _run_plan(self, plan: Generator[_sql.Step, Any, R]) -> R:
        """Run a plan of several calls (``_sql.query_events``), sending each result back to it."""
        call, arguments = next(plan)
        while True:
            try:
                call, arguments = plan.send(self._run(call, **arguments))
            except StopIteration as done:
                return cast(R, done.value)

    def _run_retrying(self, call: _sql.Call[R], /, **arguments: Any) -> R:
        """``_run``, sent again after a lost connection or an unavailable server (idempotent calls only)."""
        delays = self._delays()
        while True:
            try:
                return self._run(call, **arguments)
            except Exception as exc:
                delay = next(delays, None) if is_transient(exc) else None
                if delay is None:
                    raise
            time.sleep(delay)

    # --- write side ----------------------------------------------------------------------------
    # Each method passes its arguments to its call by name, one per line. The lists look alike on
    # purpose: explicit, so that a renamed parameter fails a test (test_client.py checks every
    # method's names against its statement and the deployed function), not a call at run time.

    def emit_event(
        self,
        instance_id: str,
        event_type: str,
        event_data: Mapping[str, Any],
        *,
        metadata: Mapping[str, Any] | None = None,
        event_id: UUID | str | None = None,
        expected_sequence: int | None = None,
    ) -> EmitResult:
        """Append one event; ``event_id`` (uuid4 when None) makes retries idempotent, ``expected_sequence``
        checks the head. Sent again after a lost connection (see the module's docstring)."""
        event_id = uuid4() if event_id is None else event_id
        return self._run_retrying(
            _sql.EMIT_EVENT,
            instance_id=instance_id,
            event_type=event_type,
            event_data=event_data,
            metadata=metadata,
            event_id=event_id,
            expected_sequence=expected_sequence,
        )

    def emit_events(
        self,
        instance_id: str,
        events: Sequence[Mapping[str, Any]],
        *,
        expected_sequence: int | None = None,
    ) -> list[EmitResult]:
        """Append ``[{event_type, event_data, metadata?, event_id?}, ...]`` atomically (up to 1000);
        events without an event_id get a uuid4. Sent again after a lost connection."""
        events = with_event_ids(events)
        return self._run_retrying(
            _sql.EMIT_EVENTS,
            instance_id=instance_id,
            events=events,
            expected_sequence=expected_sequence,
        )

    def register_instance(
        self,
        instance_id: str,
        instance_type: str,
        project: str,
        *,
        metadata: Mapping[str, Any] | None = None,
    ) -> Instance:
        """Create or re-activate an instance (``PS`` or ``MS``) and emit ``instance_registered``."""
        return self._run(
            _sql.REGISTER_INSTANCE,
            instance_id=instance_id,
            instance_type=instance_type,
            project=project,
            metadata=metadata,
        )

    def heartbeat(self, instance_id: str, context_percent: float | None = None) -> EmitResult:
        """Record a heartbeat (re-activates a stale instance) and emit ``instance_heartbeat``."""
        return self._run(_sql.HEARTBEAT, instance_id=instance_id, context_percent=context_percent)

    def mark_stale_instances(self, timeout: timedelta = DEFAULT_STALE_TIMEOUT) -> list[StaleInstance]:
        """Mark active instances without a heartbeat within ``timeout`` stale; return them."""
        return self._run(_sql.MARK_STALE_INSTANCES, timeout=timeout)

    def list_instances(self, status: str | None = None) -> list[Instance]:
        """Registered instances, optionally only ``active`` or ``stale`` ones."""
        return self._run(_sql.LIST_INSTANCES, status=status)

    def register_event_type(
        self,
        event_type: str,
        category: str,
        description: str,
        data_schema: Mapping[str, Any] | None = None,
    ) -> EventType:
        """Admin: add an event type with its JSON Schema subset, without DDL."""
        return self._run(
            _sql.REGISTER_EVENT_TYPE,
            event_type=event_type,
            category=category,
            description=description,
            data_schema=data_schema,
        )

    def delete_events_for_instance(self, instance_id: str) -> int:
        """Admin (test clean-up): delete an instance's events and reset its sequence; the count."""
        return self._run(_sql.DELETE_EVENTS_FOR_INSTANCE, instance_id=instance_id)

    # --- read side -----------------------------------------------------------------------------

    def query_events(
        self,
        instance_id: str | None = None,
        *,
        event_types: str | Sequence[str] | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        keyword: str | None = None,
        limit: int = 100,
        offset: int = 0,
        after_sequence: int | None = None,
        exact_count: bool = False,
    ) -> QueryResult:
        """A page of events (all instances when ``instance_id`` is None), filters combined with AND.

        ``event_types``: one type (a str) or several. ``total_count`` counts the matches, ignoring
        ``limit`` and ``offset``: exactly up to 10,000 (or offset + limit, when deeper), beyond that
        it is that number as a lower bound with ``total_exact`` False; ``exact_count=True`` always
        counts exactly (slower on large results). An empty page carries no row to read it from, so
        when the page is empty and ``offset > 0`` this method makes one more call
        (``event_store.count_events``, always exact) to report the true total.
        """
        return self._run_plan(
            _sql.query_events(
                instance_id=instance_id,
                event_types=type_list(event_types),
                start_date=start_date,
                end_date=end_date,
                keyword=keyword,
                limit=limit,
                offset=offset,
                after_sequence=after_sequence,
                exact_count=exact_count,
            )
        )

    def get_latest_events(self, instance_id: str, limit: int = 10) -> list[Event]:
        """An instance's newest events, newest first."""
        return self._run(_sql.GET_LATEST_EVENTS, instance_id=instance_id, limit=limit)

    def get_event_by_id(self, event_id: UUID | str) -> Event | None:
        """The event with this id, or None."""
        return self._run(_sql.GET_EVENT_BY_ID, event_id=event_id)

    def get_event_count(self, instance_id: str) -> int:
        """How many events an instance has."""
        return self._run(_sql.GET_EVENT_COUNT, instance_id=instance_id)

    def aggregate_events_by_type(
        self,
        instance_id: str | None = None,
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ) -> list[TypeCount]:
        """Event counts per type, most frequent first (all instances when ``instance_id`` is None)."""
        return self._run(
            _sql.AGGREGATE_EVENTS_BY_TYPE,
            instance_id=instance_id,
            start_date=start_date,
            end_date=end_date,
        )

    def list_event_types(self, category: str | None = None) -> list[EventType]:
        """The registered event types, optionally of one category."""
        return self._run(_sql.LIST_EVENT_TYPES, category=category)

    def replay_events(self, instance_id: str, to_sequence_num: int | None = None) -> ReplayResult:
        """Fold an instance's events (up to and including ``to_sequence_num``) into its state."""
        return self._run(_sql.REPLAY_EVENTS, instance_id=instance_id, to_sequence_num=to_sequence_num)

    def create_snapshot(self, instance_id: str) -> Snapshot:
        """Store the instance's folded state at its current sequence number."""
        return self._run(_sql.CREATE_SNAPSHOT, instance_id=instance_id)

    # --- the fleet projection (admin: the projector) ---------------------------------------------

    def project_fleet(self, limit: int = 1000) -> int:
        """Admin: apply the next ``limit`` events of the change feed to the fleet projection; how
        many (0 when nothing is new or another projector is at work)."""
        return self._run(_sql.PROJECT_FLEET, limit=limit)

    def run_projector(self, seconds: int = 50, idle_ms: int = 50) -> None:
        """Admin: CALL the projector loop for ``seconds`` (project_fleet batches, each committed;
        sleeping ``idle_ms`` when nothing is new). Holds one connection meanwhile."""
        return self._run(_sql.RUN_PROJECTOR, seconds=seconds, idle_ms=idle_ms)

    # --- the change feed and subscriptions (issue 11; the loops live in subscriptions.py) -------

    def feed_cursor(self, start_from: str | datetime | None = "end") -> str:
        """A cursor to start ``read_all`` from: 'beginning' (or None), 'end' (only what commits from
        now on), a cursor (checked, returned as is) or a time (events stamped at or after it)."""
        return self._run(feed.FEED_CURSOR, start_from=feed.start_point(start_from))

    def read_all(
        self,
        after: str | None = None,
        *,
        limit: int = 1000,
        event_types: str | Sequence[str] | None = None,
        instance_ids: str | Sequence[str] | None = None,
        project: str | None = None,
    ) -> list[feed.FeedEvent]:
        """The next committed events of all instances after the cursor ``after`` (None: from the
        beginning), in feed order; pass the last event's ``cursor`` to read on."""
        return self._run(
            feed.READ_ALL,
            after=after,
            limit=limit,
            event_types=feed.names(event_types),
            instance_ids=feed.names(instance_ids),
            project=project,
        )

    def create_subscription(
        self,
        subscription_name: str,
        *,
        start_from: str | datetime | None = "beginning",
        event_types: str | Sequence[str] | None = None,
        instance_ids: str | Sequence[str] | None = None,
        project: str | None = None,
        members: int = 1,
        lease: timedelta | str = timedelta(seconds=30),
    ) -> feed.Subscription:
        """Create a named subscription with a server-side checkpoint (the same definition again
        returns the existing one, ``created`` false); ``members``: consumer-group size."""
        return self._run(
            feed.CREATE_SUBSCRIPTION,
            subscription_name=subscription_name,
            start_from=feed.start_point(start_from),
            event_types=feed.names(event_types),
            instance_ids=feed.names(instance_ids),
            project=project,
            members=members,
            lease=lease,
        )

    def poll_subscription(
        self, subscription_name: str, *, limit: int = 100, member: int = 0
    ) -> list[feed.FeedEvent]:
        """The next batch after member ``member``'s checkpoint (does not move it)."""
        return self._run(
            feed.POLL_SUBSCRIPTION,
            subscription_name=subscription_name,
            limit=limit,
            member=member,
        )

    def ack_subscription(
        self, subscription_name: str, cursor: str, *, member: int = 0
    ) -> feed.SubscriptionAck:
        """Move the checkpoint forward to a delivered ``cursor`` (ES004 when not after it)."""
        return self._run(
            feed.ACK_SUBSCRIPTION,
            subscription_name=subscription_name,
            cursor=cursor,
            member=member,
        )

    def drop_subscription(self, subscription_name: str) -> bool:
        """Admin: remove a subscription and its checkpoints."""
        return self._run(feed.DROP_SUBSCRIPTION, subscription_name=subscription_name)

    def list_subscriptions(self) -> list[feed.SubscriptionSlot]:
        """Every subscription slot with its lag and what holds the horizon back."""
        return self._run(feed.LIST_SUBSCRIPTIONS)

    def wait_for_events(
        self,
        after: str | None = None,
        *,
        timeout_seconds: float = 30.0,
        limit: int = 1000,
        event_types: str | Sequence[str] | None = None,
        instance_ids: str | Sequence[str] | None = None,
        project: str | None = None,
    ) -> feed.FeedPage:
        """One long poll, server-side (``event_store.wait_for_events``): the events after ``after``
        (a cursor or a start point) as soon as there are any, or none after ``timeout_seconds``
        (0-60); with the cursor to wait from next."""
        events = self._run(
            feed.WAIT_FOR_EVENTS,
            after=(cursor := self.feed_cursor(after)),
            timeout_seconds=timeout_seconds,
            limit=limit,
            event_types=feed.names(event_types),
            instance_ids=feed.names(instance_ids),
            project=project,
        )
        return feed.FeedPage(events, events[-1].cursor if events else cursor)

    def follow(
        self,
        after: str | datetime | None = None,
        *,
        limit: int = 1000,
        event_types: str | Sequence[str] | None = None,
        instance_ids: str | Sequence[str] | None = None,
        project: str | None = None,
        backoff: feed.Backoff | None = None,
        until_idle: bool = False,
        stop: threading.Event | None = None,
    ) -> feed.FeedFollower:
        """Iterate pages of ``read_all`` from ``after`` (a cursor or a start point; None: the
        beginning; resolved by this call) until stopped; the follower's ``cursor`` says where it is."""
        cursor = self.feed_cursor(after)  # resolved now: 'end' means from this call on
        options = feed._FeedOptions(cursor, limit, feed.names(event_types),
                                    feed.names(instance_ids), project, backoff or feed.Backoff(), until_idle)
        return feed.FeedFollower(self, options, stop)

    def subscribe(
        self,
        subscription_name: str,
        *,
        member: int = 0,
        batch_size: int = 100,
        transactional: bool = False,
        create: bool = True,
        start_from: str | datetime | None = "beginning",
        event_types: str | Sequence[str] | None = None,
        instance_ids: str | Sequence[str] | None = None,
        project: str | None = None,
        members: int = 1,
        lease: timedelta | str = timedelta(seconds=30),
        backoff: feed.Backoff | None = None,
        until_idle: bool = False,
        stop: threading.Event | None = None,
    ) -> feed.Subscriber:
        """A ``Subscriber``: batches of the subscription for ``member``, from its checkpoint (see
        subscriptions.py). ``create`` first creates it (idempotent) with the given definition."""
        if create:
            self.create_subscription(subscription_name, start_from=start_from, event_types=event_types,
                                     instance_ids=instance_ids, project=project, members=members, lease=lease)
        options = feed._Options(
            subscription_name, member, batch_size, transactional, backoff or feed.Backoff(), until_idle
        )
        return feed.Subscriber(self, options, stop)

__all__ = ["DEFAULT_STALE_TIMEOUT", "EventStore", "JsonObject"]
