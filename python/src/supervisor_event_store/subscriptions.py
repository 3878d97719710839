"""Following the store: the change feed (``read_all``) and subscriptions, for both clients.

The order, the checkpoints, the consumer-group split and the leases all live in SQL
(``event_store.read_all``, ``create_subscription``, ``poll_subscription``, ``ack_subscription``);
this module only loops over those calls: it waits with a bounded backoff when there is nothing
new, reconnects after a lost connection (the server-side checkpoint says where to resume), and
stops cleanly.

    with EventStore() as store:
        with store.subscribe("dashboard", event_types=["test_failed"]) as subscriber:
            for batch in subscriber:            # at-least-once: acked when the loop body returns
                show(batch.events)

        # Exactly-once effects: the batch is polled, handled and acked in one transaction.
        def handle(batch):
            for event in batch.events:
                batch.connection.execute("INSERT INTO my_results ...", (...))

        store.subscribe("projection", transactional=True).run(handle)

``read_all`` followers without a server-side checkpoint (``store.follow(...)``) keep the cursor in
the client; ``store.wait_for_events(after, timeout_seconds=...)`` is one long poll (server-side).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from . import _sql, models
from .errors import EventStoreError, InvalidArgumentError, is_outage, is_transient, translate_errors
from .models import Event

if TYPE_CHECKING:
    from .aio import AsyncEventStore
    from .client import EventStore

log = logging.getLogger(__name__)

R = TypeVar("R")
C = TypeVar("C")

MAX_WAIT_SECONDS = 60.0  # the longest one wait_for_events call (and one backoff step) may block


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEvent(Event):
    """An event of the change feed (read_all, poll_subscription): the event plus ``cursor``, an
    opaque token meaning "after this event" (pass it to read_all, ack_subscription...)."""

    cursor: str


@dataclass(frozen=True, slots=True)
class FeedPage:
    """Events after a cursor, and the cursor to read on from (the last event's, or the one given
    when there was nothing new)."""

    events: list[FeedEvent]
    cursor: str


@dataclass(frozen=True, slots=True)
class Subscription:
    """What ``create_subscription`` returns; ``created`` is false when it existed already."""

    subscription_name: str
    members: int
    checkpoint: str
    created: bool


@dataclass(frozen=True, slots=True)
class SubscriptionAck:
    """The checkpoint ``ack_subscription`` moved: of which slot, to which cursor."""

    subscription_name: str
    slot: int
    checkpoint: str


@dataclass(frozen=True, slots=True)
class SubscriptionSlot:
    """One row of ``list_subscriptions``: a consumer-group member's slot with its lag, and the
    oldest open transaction of the cluster, which holds every follower back."""

    subscription_name: str
    slot: int
    members: int
    event_types: list[str] | None
    instance_ids: list[str] | None
    project: str | None
    checkpoint: str
    holder: int | None
    lease_until: datetime | None
    acked_at: datetime | None
    events_behind: int
    seconds_behind: float
    horizon_pid: int | None
    horizon_age: timedelta | None
    horizon_state: str | None


# --- the SQL calls ------------------------------------------------------------------------------
# One statement per SQL function, each naming its parameters (p_x => %(x)s); they look alike on
# purpose, like _sql.py's: test_client.py checks every one against the deployed function.

READ_ALL = _sql.Call(
    """
SELECT * FROM event_store.read_all(
    p_after        => %(after)s::text,
    p_limit        => %(limit)s::integer,
    p_event_types  => %(event_types)s::text[],
    p_instance_ids => %(instance_ids)s::text[],
    p_project      => %(project)s::text
)""",
    models.each(FeedEvent),
)

WAIT_FOR_EVENTS = _sql.Call(
    """
SELECT * FROM event_store.wait_for_events(
    p_after           => %(after)s::text,
    p_timeout_seconds => %(timeout_seconds)s::double precision,
    p_limit           => %(limit)s::integer,
    p_event_types     => %(event_types)s::text[],
    p_instance_ids    => %(instance_ids)s::text[],
    p_project         => %(project)s::text
)""",
    models.each(FeedEvent),
)

FEED_CURSOR = _sql.Call(
    """
SELECT event_store.feed_cursor(
    p_start_from => %(start_from)s::text
) AS cursor""",
    lambda rows: str(rows[0]["cursor"]),
)

CREATE_SUBSCRIPTION = _sql.Call(
    """
SELECT * FROM event_store.create_subscription(
    p_subscription_name => %(subscription_name)s::text,
    p_start_from        => %(start_from)s::text,
    p_event_types       => %(event_types)s::text[],
    p_instance_ids      => %(instance_ids)s::text[],
    p_project           => %(project)s::text,
    p_members           => %(members)s::integer,
    p_lease             => %(lease)s::interval
)""",
    models.one(Subscription),
)

POLL_SUBSCRIPTION = _sql.Call(
    """
SELECT * FROM event_store.poll_subscription(
    p_subscription_name => %(subscription_name)s::text,
    p_limit             => %(limit)s::integer,
    p_member            => %(member)s::integer
)""",
    models.each(FeedEvent),
)

ACK_SUBSCRIPTION = _sql.Call(
    """
SELECT * FROM event_store.ack_subscription(
    p_subscription_name => %(subscription_name)s::text,
    p_cursor            => %(cursor)s::text,
    p_member            => %(member)s::integer
)""",
    models.one(SubscriptionAck),
)

DROP_SUBSCRIPTION = _sql.Call(
    """
SELECT event_store.drop_subscription(
    p_subscription_name => %(subscription_name)s::text
) AS dropped""",
    lambda rows: bool(rows[0]["dropped"]),
)

LIST_SUBSCRIPTIONS = _sql.Call(
    "SELECT * FROM event_store.list_subscriptions()",
    models.each(SubscriptionSlot),
)


def start_point(start_from: str | datetime | None) -> str | None:
    """A start point as SQL takes it: 'beginning', 'end', a cursor, or a time (ISO 8601)."""
    return start_from.isoformat() if isinstance(start_from, datetime) else start_from


def names(value: str | Sequence[str] | None) -> list[str] | None:
    """A filter list: a single str is one name (not its characters)."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


# --- waiting -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long a follower waits before polling again when there was nothing new (and before it
    reconnects after a lost connection): ``initial`` seconds, times ``factor`` after each empty
    poll, at most ``maximum``; back to ``initial`` as soon as events come.

    Keep ``maximum`` well below a consumer group's lease, or an idle member's share may be taken
    over by another member (it takes its home slot back at its next poll)."""

    initial: float = 0.05
    maximum: float = 1.0
    factor: float = 2.0

    def __post_init__(self) -> None:
        if not (0 < self.initial <= self.maximum <= MAX_WAIT_SECONDS and 1 <= self.factor <= 10):
            raise InvalidArgumentError(
                f"invalid backoff: initial {self.initial}, maximum {self.maximum}, factor {self.factor}",
                hint=f"Use 0 < initial <= maximum <= {MAX_WAIT_SECONDS:g} seconds and 1 <= factor <= 10.",
                sqlstate="ES006",
            )

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay
            delay = min(delay * self.factor, self.maximum)


def _retry_or_raise(exc: EventStoreError, what: str) -> None:
    """Let a lost connection, an unavailable server or (through the proxy) a shard that is down
    pass: the caller waits and tries again."""
    if not is_outage(exc):
        raise exc
    log.warning("%s: %s; retrying", what, exc)


# --- running calls on a connection the caller holds (one transaction) ----------------------------


def _reading(call: _sql.Call[Any]) -> Any:
    from .client import reading  # here, not at the top: client.py imports this module

    return reading(call)


def run_call(conn: psycopg.Connection[Any], call: _sql.Call[R], arguments: Mapping[str, Any]) -> R:
    """One call on ``conn`` (in the caller's transaction)."""
    params = call.params(arguments)
    cur = conn.cursor(row_factory=dict_row)
    _sql.use_loads(cur)
    cur.execute(call.sql, params)
    with _reading(call):
        return call.result(cur.fetchall())


async def run_call_async(
    conn: psycopg.AsyncConnection[Any], call: _sql.Call[R], arguments: Mapping[str, Any]
) -> R:
    """One call on ``conn`` (in the caller's transaction)."""
    params = call.params(arguments)
    cur = conn.cursor(row_factory=dict_row)
    _sql.use_loads(cur)
    await cur.execute(call.sql, params)
    with _reading(call):
        return call.result(await cur.fetchall())


# --- batches -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Batch(Generic[C]):
    """Events a subscription delivered to one member, in feed order (each instance's in sequence
    order). Acked when the consumer is done with it (the loop body returned, or the handler).

    ``connection``: in transactional mode, the connection whose open transaction polled the
    batch; write your results on it and they commit together with the ack (exactly-once). None
    otherwise. ``retry()``: do not ack; roll back (transactional) and deliver the batch again.
    """

    subscription_name: str
    member: int
    events: list[FeedEvent]
    connection: C | None = None
    retried: bool = field(default=False, init=False)

    @property
    def cursor(self) -> str:
        """The cursor of the last event: what the ack moves the checkpoint to."""
        return self.events[-1].cursor

    def retry(self) -> None:
        self.retried = True

    def __len__(self) -> int:
        return len(self.events)


def _ack_args(batch: Batch[Any]) -> dict[str, Any]:
    return {"subscription_name": batch.subscription_name, "cursor": batch.cursor, "member": batch.member}


def _poll_args(name: str, limit: int, member: int) -> dict[str, Any]:
    return {"subscription_name": name, "limit": limit, "member": member}


class _Rollback(Exception):
    """Internal: leave the batch's transaction without committing."""


@dataclass
class _Options:
    subscription_name: str
    member: int = 0
    batch_size: int = 100
    transactional: bool = False
    backoff: Backoff = field(default_factory=Backoff)
    until_idle: bool = False


# --- the synchronous subscriber -------------------------------------------------------------------


class Subscriber:
    """Batches of a subscription for one member, from its server-side checkpoint, until stopped.

    Iterate it (``for batch in subscriber``) or ``run(handler)``. Made by ``EventStore.subscribe``.
    At-least-once by default: a batch is acked after the loop body (or handler) returns; a crash
    before the ack delivers it again. ``transactional=True``: poll, your writes on
    ``batch.connection`` and the ack are one transaction, so each event's effect commits exactly
    once; a batch acked meanwhile by another consumer (ES004) is rolled back and skipped.

    Stops: ``stop()`` (from another thread, or the handler), the ``stop`` event given, Ctrl-C,
    ``until_idle`` (when a poll finds nothing new), or leaving ``with``. Errors of a lost connection
    or an unavailable server are waited out (with the backoff) and the subscription resumes from
    its checkpoint; other errors are raised.
    """

    def __init__(self, store: EventStore, options: _Options, stop: threading.Event | None = None) -> None:
        self.store = store
        self.options = options
        self.stopping = stop or threading.Event()
        self._active: Generator[Batch[psycopg.Connection[Any]], None, None] | None = None

    def stop(self) -> None:
        """Stop after the current batch (wakes an idle wait at once)."""
        self.stopping.set()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """End the iteration; a batch not acked yet is rolled back (transactional) or left to redeliver."""
        active, self._active = self._active, None
        if active is not None:
            active.close()

    def __iter__(self) -> Iterator[Batch[psycopg.Connection[Any]]]:
        self.close()
        self._active = self._batches()
        return self._active

    def run(self, handler: Callable[[Batch[psycopg.Connection[Any]]], object]) -> int:
        """Call ``handler(batch)`` for each batch until stopped; the number of events handled.

        A lost connection inside the handler (its own writes) is waited out like one of ours:
        the batch is not acked and comes again."""
        handled = 0
        with self:
            for batch in self:
                try:
                    handler(batch)
                except (EventStoreError, psycopg.Error) as exc:
                    if not is_transient(exc):
                        raise
                    log.warning(
                        "%s: connection lost in the handler: %s; the batch comes again",
                        self.options.subscription_name,
                        exc,
                    )
                    batch.retry()
                    continue
                if not batch.retried:
                    handled += len(batch)
        return handled

    def _wait(self, delay: float) -> bool:
        """Wait ``delay`` seconds or until stopped; whether to go on."""
        return not self.stopping.wait(delay)

    def _batches(self) -> Generator[Batch[psycopg.Connection[Any]], None, None]:
        options = self.options
        idle, lost = options.backoff.delays(), options.backoff.delays()
        while not self.stopping.is_set():
            try:
                with translate_errors(self.store.where):
                    if options.transactional:
                        delivered = yield from self._transactional_batch()
                    else:
                        delivered = yield from self._plain_batch()
            except EventStoreError as exc:
                _retry_or_raise(exc, options.subscription_name)
                if not self._wait(next(lost)):
                    return
                continue
            lost = options.backoff.delays()
            if delivered:
                idle = options.backoff.delays()
            elif options.until_idle or not self._wait(next(idle)):
                return

    def _plain_batch(self) -> Generator[Batch[psycopg.Connection[Any]], None, bool]:
        options = self.options
        events = self.store.poll_subscription(
            options.subscription_name, limit=options.batch_size, member=options.member
        )
        if not events:
            return False
        batch: Batch[psycopg.Connection[Any]] = Batch(options.subscription_name, options.member, events)
        yield batch
        if not batch.retried:
            try:
                self.store.ack_subscription(batch.subscription_name, batch.cursor, member=batch.member)
            except EventStoreError as exc:
                if exc.sqlstate != "ES004":
                    raise
                # Acked by another consumer meanwhile, or our share was taken over: at-least-once.
                log.warning(
                    "%s: ack refused (%s); the batch was handled elsewhere too", batch.subscription_name, exc
                )
        return True

    def _transactional_batch(self) -> Generator[Batch[psycopg.Connection[Any]], None, bool]:
        options = self.options
        with self.store.pool.connection() as conn:
            try:
                with conn.transaction():
                    events = run_call(
                        conn,
                        POLL_SUBSCRIPTION,
                        _poll_args(options.subscription_name, options.batch_size, options.member),
                    )
                    if not events:
                        return False
                    batch = Batch(options.subscription_name, options.member, events, conn)
                    yield batch
                    if batch.retried or conn.info.transaction_status == TransactionStatus.INERROR:
                        raise _Rollback
                    run_call(conn, ACK_SUBSCRIPTION, _ack_args(batch))
            except _Rollback:
                pass
            except psycopg.Error as exc:
                if exc.sqlstate != "ES004":
                    raise
                log.warning(
                    "%s: ack refused (%s); this batch's work was rolled back",
                    options.subscription_name,
                    " ".join(str(exc).split()),
                )
        return True


# --- the asynchronous subscriber ------------------------------------------------------------------


class AsyncSubscriber:
    """``Subscriber`` for ``AsyncEventStore``: ``async for batch in subscriber`` or ``await
    run(handler)`` (a sync or async handler). Cancelling the task stops it; a batch not acked yet
    is rolled back (transactional) or delivered again."""

    def __init__(self, store: AsyncEventStore, options: _Options, stop: asyncio.Event | None = None) -> None:
        self.store = store
        self.options = options
        self.stopping = stop or asyncio.Event()
        self._active: AsyncGenerator[Batch[psycopg.AsyncConnection[Any]], None] | None = None

    def stop(self) -> None:
        """Stop after the current batch (wakes an idle wait at once)."""
        self.stopping.set()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        active, self._active = self._active, None
        if active is not None:
            await active.aclose()

    def __aiter__(self) -> AsyncIterator[Batch[psycopg.AsyncConnection[Any]]]:
        self._active = self._batches()
        return self._active

    async def run(
        self, handler: Callable[[Batch[psycopg.AsyncConnection[Any]]], object | Awaitable[object]]
    ) -> int:
        """Call (and await) ``handler(batch)`` for each batch until stopped; the events handled."""
        handled = 0
        async with self:
            async for batch in self:
                try:
                    result = handler(batch)
                    if inspect.isawaitable(result):
                        await result
                except (EventStoreError, psycopg.Error) as exc:
                    if not is_transient(exc):
                        raise
                    log.warning(
                        "%s: connection lost in the handler: %s; the batch comes again",
                        self.options.subscription_name,
                        exc,
                    )
                    batch.retry()
                    continue
                if not batch.retried:
                    handled += len(batch)
        return handled

    async def _wait(self, delay: float) -> bool:
        try:
            await asyncio.wait_for(self.stopping.wait(), delay)
        except TimeoutError:
            return True
        return False

    async def _batches(self) -> AsyncGenerator[Batch[psycopg.AsyncConnection[Any]], None]:
        options = self.options
        idle, lost = options.backoff.delays(), options.backoff.delays()
        while not self.stopping.is_set():
            outcome: list[bool] = []
            try:
                with translate_errors(self.store.where):
                    step = self._transactional_batch if options.transactional else self._plain_batch
                    async with aclosing(step(outcome)) as batches:
                        async for batch in batches:
                            yield batch
            except EventStoreError as exc:
                _retry_or_raise(exc, options.subscription_name)
                if not await self._wait(next(lost)):
                    return
                continue
            lost = options.backoff.delays()
            if outcome:
                idle = options.backoff.delays()
            elif options.until_idle or not await self._wait(next(idle)):
                return

    async def _plain_batch(
        self, outcome: list[bool]
    ) -> AsyncGenerator[Batch[psycopg.AsyncConnection[Any]], None]:
        options = self.options
        events = await self.store.poll_subscription(
            options.subscription_name, limit=options.batch_size, member=options.member
        )
        if not events:
            return
        outcome.append(True)
        batch: Batch[psycopg.AsyncConnection[Any]] = Batch(options.subscription_name, options.member, events)
        yield batch
        if not batch.retried:
            try:
                await self.store.ack_subscription(batch.subscription_name, batch.cursor, member=batch.member)
            except EventStoreError as exc:
                if exc.sqlstate != "ES004":
                    raise
                log.warning(
                    "%s: ack refused (%s); the batch was handled elsewhere too", batch.subscription_name, exc
                )

    async def _transactional_batch(
        self, outcome: list[bool]
    ) -> AsyncGenerator[Batch[psycopg.AsyncConnection[Any]], None]:
        options = self.options
        async with self.store.pool.connection() as conn:
            try:
                async with conn.transaction():
                    events = await run_call_async(
                        conn,
                        POLL_SUBSCRIPTION,
                        _poll_args(options.subscription_name, options.batch_size, options.member),
                    )
                    if not events:
                        return
                    outcome.append(True)
                    batch = Batch(options.subscription_name, options.member, events, conn)
                    yield batch
                    if batch.retried or conn.info.transaction_status == TransactionStatus.INERROR:
                        raise _Rollback
                    await run_call_async(conn, ACK_SUBSCRIPTION, _ack_args(batch))
            except _Rollback:
                pass
            except psycopg.Error as exc:
                if exc.sqlstate != "ES004":
                    raise
                log.warning(
                    "%s: ack refused (%s); this batch's work was rolled back",
                    options.subscription_name,
                    " ".join(str(exc).split()),
                )


# --- read_all followers (the cursor kept by the caller) -------------------------------------------


@dataclass
class _FeedOptions:
    after: str | None
    limit: int = 1000
    event_types: list[str] | None = None
    instance_ids: list[str] | None = None
    project: str | None = None
    backoff: Backoff = field(default_factory=Backoff)
    until_idle: bool = False


def _feed_args(options: _FeedOptions, after: str | None) -> dict[str, Any]:
    return {
        "after": after,
        "limit": options.limit,
        "event_types": options.event_types,
        "instance_ids": options.instance_ids,
        "project": options.project,
    }


class FeedFollower:
    """Pages of ``read_all`` from a start point, forever (or ``until_idle``): each page is the
    next committed events, never one skipped or repeated. ``cursor`` is where it is: keep it to
    resume later (``store.follow(after=cursor)``). No server-side state; made by ``EventStore.follow``."""

    def __init__(self, store: EventStore, options: _FeedOptions, stop: threading.Event | None = None) -> None:
        self.store = store
        self.options = options
        self.cursor: str | None = options.after  # None: resolved (feed_cursor) at the first page
        self.stopping = stop or threading.Event()

    def stop(self) -> None:
        self.stopping.set()

    def __iter__(self) -> Iterator[list[FeedEvent]]:
        options = self.options
        idle, lost = options.backoff.delays(), options.backoff.delays()
        while not self.stopping.is_set():
            try:
                if self.cursor is None:
                    self.cursor = self.store.feed_cursor(options.after)
                page = self.store.read_all(
                    self.cursor,
                    limit=options.limit,
                    event_types=options.event_types,
                    instance_ids=options.instance_ids,
                    project=options.project,
                )
            except EventStoreError as exc:
                _retry_or_raise(exc, "read_all")
                if self.stopping.wait(next(lost)):
                    return
                continue
            lost = options.backoff.delays()
            if page:
                self.cursor = page[-1].cursor
                idle = options.backoff.delays()
                yield page
            elif options.until_idle or self.stopping.wait(next(idle)):
                return


class AsyncFeedFollower:
    """``FeedFollower`` for ``AsyncEventStore``: ``async for page in follower``."""

    def __init__(
        self, store: AsyncEventStore, options: _FeedOptions, stop: asyncio.Event | None = None
    ) -> None:
        self.store = store
        self.options = options
        self.cursor: str | None = options.after  # None: resolved (feed_cursor) at the first page
        self.stopping = stop or asyncio.Event()

    def stop(self) -> None:
        self.stopping.set()

    async def _wait(self, delay: float) -> bool:
        try:
            await asyncio.wait_for(self.stopping.wait(), delay)
        except TimeoutError:
            return True
        return False

    async def __aiter__(self) -> AsyncIterator[list[FeedEvent]]:
        options = self.options
        idle, lost = options.backoff.delays(), options.backoff.delays()
        while not self.stopping.is_set():
            try:
                if self.cursor is None:
                    self.cursor = await self.store.feed_cursor(options.after)
                page = await self.store.read_all(
                    self.cursor,
                    limit=options.limit,
                    event_types=options.event_types,
                    instance_ids=options.instance_ids,
                    project=options.project,
                )
            except EventStoreError as exc:
                _retry_or_raise(exc, "read_all")
                if not await self._wait(next(lost)):
                    return
                continue
            lost = options.backoff.delays()
            if page:
                self.cursor = page[-1].cursor
                idle = options.backoff.delays()
                yield page
            elif options.until_idle or not await self._wait(next(idle)):
                return


# --- one long poll --------------------------------------------------------------------------------


__all__ = [
    "AsyncFeedFollower",
    "AsyncSubscriber",
    "Backoff",
    "Batch",
    "FeedEvent",
    "FeedFollower",
    "FeedPage",
    "Subscriber",
    "Subscription",
    "SubscriptionAck",
    "SubscriptionSlot",
]
