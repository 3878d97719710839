"""``AsyncEventStore``: the asyncio client, with the same methods as ``EventStore``.

Each method repeats ``EventStore``'s signature and body with ``await``, on purpose: Python cannot
type one body as both ``R`` and ``Awaitable[R]``, and each client reads on its own. Tests keep the
two in step (``test_sync_and_async_clients_have_the_same_methods``, and each method's parameters
against its SQL call); what is more than a call (``query_events``' two steps) lives once, in
``_sql``.

async with AsyncEventStore() as store:
    await store.emit_event("odin-PS-8f4a2b", "epic_started", {"epic_id": "E-1"})
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self, TypeVar, cast
from uuid import UUID, uuid4

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from . import _sql
from . import subscriptions as feed
from .client import DEFAULT_STALE_TIMEOUT, _PoolOwner, reading, type_list, with_event_ids
from .errors import EventStoreError, is_transient, translate_errors
from .models import (
    EmitResult,
    Event,
    EventType,
    Instance,
    QueryResult,
    ReplayResult,
    Snapshot,
    StaleInstance,
    TypeCount,
)
from .replicas import PRIMARY_POSITION, Replica

R = TypeVar("R")


class AsyncEventStore(_PoolOwner["AsyncConnectionPool[Any]"]):
    """Asynchronous client over a ``psycopg_pool.AsyncConnectionPool``; the same methods as ``EventStore``."""

    _pool_class = AsyncConnectionPool

    # --- life cycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Open our pools (a caller's are left alone); fail fast when the primary is unreachable
        (the replica's pool connects in the background: reads go to the primary until it can)."""
        if self._owns_read_pool and self.read_pool is not None:
            await self.read_pool.open(wait=False)
        if not self._owns_pool:
            return
        with translate_errors(self.where):
            probe = await psycopg.AsyncConnection.connect(self.dsn, connect_timeout=self._connect_timeout)
            await probe.close()
            await self.pool.open(wait=True, timeout=self.pool.timeout)

    async def close(self) -> None:
        """Close our pools (a caller's are left alone)."""
        if self._owns_read_pool and self.read_pool is not None:
            await self.read_pool.close()
        if self._owns_pool:
            await self.pool.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _run(self, call: _sql.Call[R], /, **arguments: Any) -> R:
        params = call.params(arguments)
        replica = self.replica
        if replica is not None and replica.serves(call.name):
            if (writes := replica.pending()) > 0:
                replica.cover(writes, await self._primary_position())
            answer = await self._run_on_replica(replica, call, params)
            if answer is not None:
                return answer[0]
        try:
            with translate_errors(self.where):
                async with self.pool.connection() as conn:
                    return await self._execute(conn, call, params)
        finally:
            if replica is not None:
                replica.wrote(call.name)

    async def _execute(
        self, conn: psycopg.AsyncConnection[Any], call: _sql.Call[R], params: dict[str, Any]
    ) -> R:
        if call.procedure and not conn.autocommit:  # a caller's pool: no BEGIN before the CALL
            return await self._run_autocommit(conn, call, params)
        cur = conn.cursor(row_factory=dict_row)
        _sql.use_loads(cur)
        await cur.execute(call.sql, params)
        with reading(call):
            return call.result(await cur.fetchall() if cur.description else [])

    async def _primary_position(self) -> dict[str, Any]:
        """The row of replicas.PRIMARY_POSITION: where the primary's WAL is now."""
        with translate_errors(self.where):
            async with self.pool.connection() as conn:
                cur = await conn.cursor(row_factory=dict_row).execute(PRIMARY_POSITION)
                return cast(dict[str, Any], await cur.fetchone())

    async def _run_on_replica(
        self, replica: Replica, call: _sql.Call[R], params: dict[str, Any]
    ) -> tuple[R] | None:
        """``(result,)`` of ``call`` on the replica once it has caught up with this client's writes
        (replicas.py); None when the primary must answer instead."""
        assert self.read_pool is not None
        try:
            with translate_errors(replica.where):
                async with self.read_pool.connection() as conn:
                    plan = replica.catch_up(conn)
                    try:
                        step = next(plan)
                        while True:
                            if isinstance(step, str):
                                cur = await conn.cursor(row_factory=dict_row).execute(step)
                                step = plan.send(await cur.fetchone())
                            else:
                                await asyncio.sleep(step)
                                step = next(plan)
                    except StopIteration as caught_up:
                        if not caught_up.value:
                            return None
                    return (await self._execute(conn, call, params),)
        except EventStoreError as exc:
            if not replica.failed(exc):
                raise
            return None

    @staticmethod
    async def _run_autocommit(
        conn: psycopg.AsyncConnection[Any], call: _sql.Call[R], params: dict[str, Any]
    ) -> R:
        """A procedure that commits, on a non-autocommit connection of a caller's pool: see
        ``EventStore._run_autocommit``."""
        await conn.set_autocommit(True)
        try:
            await conn.execute(call.sql, params)
        finally:
            if not conn.closed:
                await conn.set_autocommit(False)
        return call.result([])

    async def _run_plan(self, plan: Generator[_sql.Step, Any, R]) -> R:
        """Run a plan of several calls (``_sql.query_events``), sending each result back to it."""
        call, arguments = next(plan)
        while True:
            try:
                call, arguments = plan.send(await self._run(call, **arguments))
            except StopIteration as done:
                return cast(R, done.value)

    async def _run_retrying(self, call: _sql.Call[R], /, **arguments: Any) -> R:
        """``_run``, sent again after a lost connection or an unavailable server (idempotent calls only)."""
        delays = self._delays()
        while True:
            try:
                return await self._run(call, **arguments)
            except Exception as exc:
                delay = next(delays, None) if is_transient(exc) else None
                if delay is None:
                    raise
            await asyncio.sleep(delay)

    # --- write side ----------------------------------------------------------------------------
    # Arguments by name, one per line, alike on purpose: see EventStore.

    async def emit_event(
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
        checks the head. Sent again after a lost connection (see ``EventStore``)."""
        event_id = uuid4() if event_id is None else event_id
        return await self._run_retrying(
            _sql.EMIT_EVENT,
            instance_id=instance_id,
            event_type=event_type,
            event_data=event_data,
            metadata=metadata,
            event_id=event_id,
            expected_sequence=expected_sequence,
        )

    async def emit_events(
        self,
        instance_id: str,
        events: Sequence[Mapping[str, Any]],
        *,
        expected_sequence: int | None = None,
    ) -> list[EmitResult]:
        """Append ``[{event_type, event_data, metadata?, event_id?}, ...]`` atomically (up to 1000);
        events without an event_id get a uuid4. Sent again after a lost connection."""
        events = with_event_ids(events)
        return await self._run_retrying(
            _sql.EMIT_EVENTS,
            instance_id=instance_id,
            events=events,
            expected_sequence=expected_sequence,
        )

    async def register_instance(
        self,
        instance_id: str,
        instance_type: str,
        project: str,
        *,
        metadata: Mapping[str, Any] | None = None,
    ) -> Instance:
        """Create or re-activate an instance (``PS`` or ``MS``) and emit ``instance_registered``."""
        return await self._run(
            _sql.REGISTER_INSTANCE,
            instance_id=instance_id,
            instance_type=instance_type,
            project=project,
            metadata=metadata,
        )

    async def heartbeat(self, instance_id: str, context_percent: float | None = None) -> EmitResult:
        """Record a heartbeat (re-activates a stale instance) and emit ``instance_heartbeat``."""
        return await self._run(_sql.HEARTBEAT, instance_id=instance_id, context_percent=context_percent)

    async def mark_stale_instances(self, timeout: timedelta = DEFAULT_STALE_TIMEOUT) -> list[StaleInstance]:
        """Mark active instances without a heartbeat within ``timeout`` stale; return them."""
        return await self._run(_sql.MARK_STALE_INSTANCES, timeout=timeout)

    async def list_instances(self, status: str | None = None) -> list[Instance]:
        """Registered instances, optionally only ``active`` or ``stale`` ones."""
        return await self._run(_sql.LIST_INSTANCES, status=status)

    async def register_event_type(
        self,
        event_type: str,
        category: str,
        description: str,
        data_schema: Mapping[str, Any] | None = None,
    ) -> EventType:
        """Admin: add an event type with its JSON Schema subset, without DDL."""
        return await self._run(
            _sql.REGISTER_EVENT_TYPE,
            event_type=event_type,
            category=category,
            description=description,
            data_schema=data_schema,
        )

    async def delete_events_for_instance(self, instance_id: str) -> int:
        """Admin (test clean-up): delete an instance's events and reset its sequence; the count."""
        return await self._run(_sql.DELETE_EVENTS_FOR_INSTANCE, instance_id=instance_id)

    # --- read side -----------------------------------------------------------------------------

    async def query_events(
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
        """A page of events (all instances when ``instance_id`` is None), filters combined with AND;
        ``total_count`` exact up to 10,000 unless ``exact_count`` (see ``EventStore.query_events``).
        """
        return await self._run_plan(
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

    async def get_latest_events(self, instance_id: str, limit: int = 10) -> list[Event]:
        """An instance's newest events, newest first."""
        return await self._run(_sql.GET_LATEST_EVENTS, instance_id=instance_id, limit=limit)

    async def get_event_by_id(self, event_id: UUID | str) -> Event | None:
        """The event with this id, or None."""
        return await self._run(_sql.GET_EVENT_BY_ID, event_id=event_id)

    async def get_event_count(self, instance_id: str) -> int:
        """How many events an instance has."""
        return await self._run(_sql.GET_EVENT_COUNT, instance_id=instance_id)

    async def aggregate_events_by_type(
        self,
        instance_id: str | None = None,
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ) -> list[TypeCount]:
        """Event counts per type, most frequent first (all instances when ``instance_id`` is None)."""
        return await self._run(
            _sql.AGGREGATE_EVENTS_BY_TYPE,
            instance_id=instance_id,
            start_date=start_date,
            end_date=end_date,
        )

    async def list_event_types(self, category: str | None = None) -> list[EventType]:
        """The registered event types, optionally of one category."""
        return await self._run(_sql.LIST_EVENT_TYPES, category=category)

    async def replay_events(self, instance_id: str, to_sequence_num: int | None = None) -> ReplayResult:
        """Fold an instance's events (up to and including ``to_sequence_num``) into its state."""
        return await self._run(_sql.REPLAY_EVENTS, instance_id=instance_id, to_sequence_num=to_sequence_num)

    async def create_snapshot(self, instance_id: str) -> Snapshot:
        """Store the instance's folded state at its current sequence number."""
        return await self._run(_sql.CREATE_SNAPSHOT, instance_id=instance_id)

    # --- the fleet projection (admin: the projector) ---------------------------------------------

    async def project_fleet(self, limit: int = 1000) -> int:
        """Admin: apply the next ``limit`` events of the change feed to the fleet projection; how
        many (0 when nothing is new or another projector is at work)."""
        return await self._run(_sql.PROJECT_FLEET, limit=limit)

    async def run_projector(self, seconds: int = 50, idle_ms: int = 50) -> None:
        """Admin: CALL the projector loop for ``seconds`` (project_fleet batches, each committed;
        sleeping ``idle_ms`` when nothing is new). Holds one connection meanwhile."""
        return await self._run(_sql.RUN_PROJECTOR, seconds=seconds, idle_ms=idle_ms)


    # --- the change feed and subscriptions (issue 11; the loops live in subscriptions.py) -------

    async def feed_cursor(self, start_from: str | datetime | None = "end") -> str:
        """A cursor to start ``read_all`` from: 'beginning' (or None), 'end' (only what commits from
        now on), a cursor (checked, returned as is) or a time (events stamped at or after it)."""
        return await self._run(feed.FEED_CURSOR, start_from=feed.start_point(start_from))

    async def read_all(
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
        return await self._run(
            feed.READ_ALL,
            after=after,
            limit=limit,
            event_types=feed.names(event_types),
            instance_ids=feed.names(instance_ids),
            project=project,
        )

    async def create_subscription(
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
        return await self._run(
            feed.CREATE_SUBSCRIPTION,
            subscription_name=subscription_name,
            start_from=feed.start_point(start_from),
            event_types=feed.names(event_types),
            instance_ids=feed.names(instance_ids),
            project=project,
            members=members,
            lease=lease,
        )

    async def poll_subscription(
        self, subscription_name: str, *, limit: int = 100, member: int = 0
    ) -> list[feed.FeedEvent]:
        """The next batch after member ``member``'s checkpoint (does not move it)."""
        return await self._run(
            feed.POLL_SUBSCRIPTION,
            subscription_name=subscription_name,
            limit=limit,
            member=member,
        )

    async def ack_subscription(
        self, subscription_name: str, cursor: str, *, member: int = 0
    ) -> feed.SubscriptionAck:
        """Move the checkpoint forward to a delivered ``cursor`` (ES004 when not after it)."""
        return await self._run(
            feed.ACK_SUBSCRIPTION,
            subscription_name=subscription_name,
            cursor=cursor,
            member=member,
        )

    async def drop_subscription(self, subscription_name: str) -> bool:
        """Admin: remove a subscription and its checkpoints."""
        return await self._run(feed.DROP_SUBSCRIPTION, subscription_name=subscription_name)

    async def list_subscriptions(self) -> list[feed.SubscriptionSlot]:
        """Every subscription slot with its lag and what holds the horizon back."""
        return await self._run(feed.LIST_SUBSCRIPTIONS)

    async def wait_for_events(
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
        events = await self._run(
            feed.WAIT_FOR_EVENTS,
            after=(cursor := await self.feed_cursor(after)),
            timeout_seconds=timeout_seconds,
            limit=limit,
            event_types=feed.names(event_types),
            instance_ids=feed.names(instance_ids),
            project=project,
        )
        return feed.FeedPage(events, events[-1].cursor if events else cursor)

    async def follow(
        self,
        after: str | datetime | None = None,
        *,
        limit: int = 1000,
        event_types: str | Sequence[str] | None = None,
        instance_ids: str | Sequence[str] | None = None,
        project: str | None = None,
        backoff: feed.Backoff | None = None,
        until_idle: bool = False,
        stop: asyncio.Event | None = None,
    ) -> feed.AsyncFeedFollower:
        """``async for`` pages of ``read_all`` from ``after`` (a cursor or a start point; None: the
        beginning; resolved by this call) until stopped; the follower's ``cursor`` says where it is."""
        cursor = await self.feed_cursor(after)  # resolved now: 'end' means from this call on
        options = feed._FeedOptions(cursor, limit, feed.names(event_types),
                                    feed.names(instance_ids), project, backoff or feed.Backoff(), until_idle)
        return feed.AsyncFeedFollower(self, options, stop)

    async def subscribe(
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
        stop: asyncio.Event | None = None,
    ) -> feed.AsyncSubscriber:
        """A ``AsyncSubscriber``: batches of the subscription for ``member``, from its checkpoint (see
        subscriptions.py). ``create`` first creates it (idempotent) with the given definition."""
        if create:
            await self.create_subscription(subscription_name, start_from=start_from, event_types=event_types,
                                     instance_ids=instance_ids, project=project, members=members, lease=lease)
        options = feed._Options(
            subscription_name, member, batch_size, transactional, backoff or feed.Backoff(), until_idle
        )
        return feed.AsyncSubscriber(self, options, stop)

__all__ = ["AsyncEventStore"]
