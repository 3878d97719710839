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
from .client import DEFAULT_STALE_TIMEOUT, _PoolOwner, reading, type_list, with_event_ids
from .errors import is_transient, translate_errors
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

R = TypeVar("R")


class AsyncEventStore(_PoolOwner["AsyncConnectionPool[Any]"]):
    """Asynchronous client over a ``psycopg_pool.AsyncConnectionPool``; the same methods as ``EventStore``."""

    _pool_class = AsyncConnectionPool

    # --- life cycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Open our pool (a caller's pool is left alone); fail fast when the server is unreachable."""
        if not self._owns_pool:
            return
        with translate_errors(self.where):
            probe = await psycopg.AsyncConnection.connect(self.dsn, connect_timeout=self._connect_timeout)
            await probe.close()
            await self.pool.open(wait=True, timeout=self.pool.timeout)

    async def close(self) -> None:
        """Close our pool (a caller's pool is left alone)."""
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
        with translate_errors(self.where):
            async with self.pool.connection() as conn:
                cur = conn.cursor(row_factory=dict_row)
                _sql.use_loads(cur)
                await cur.execute(call.sql, params)
                with reading(call):
                    return call.result(await cur.fetchall())

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
    ) -> QueryResult:
        """A page of events (all instances when ``instance_id`` is None), filters combined with AND.

        ``event_types``: one type (a str) or several. ``total_count`` counts every match, ignoring
        ``limit`` and ``offset``. An empty page carries no row to read it from, so when the page is
        empty and ``offset > 0`` this method makes one more call (``event_store.count_events``) to
        report the true total.
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


__all__ = ["AsyncEventStore"]
