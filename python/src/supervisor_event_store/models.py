"""Typed, immutable results: one frozen dataclass per row shape of the SQL API.

Rows are mapped by column name (``dict_row``), never by position. Columns the server adds later
that a model does not know are ignored, so a newer schema does not break an older client.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

JsonObject = dict[str, Any]

M = TypeVar("M")


_FIELD_NAMES: dict[type[Any], frozenset[str]] = {}


def from_row(cls: type[M], row: Mapping[str, Any]) -> M:
    """Build the dataclass ``cls`` from a row, by column name."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(field.name for field in dataclasses.fields(cls))  # type: ignore[arg-type]
    return cls(**{key: value for key, value in row.items() if key in names})


@dataclass(frozen=True, slots=True)
class Event:
    """One stored event."""

    event_id: UUID
    instance_id: str
    event_type: str
    sequence_num: int
    timestamp: datetime
    event_data: JsonObject
    metadata: JsonObject
    created_at: datetime | None = None
    global_position: int | None = None


@dataclass(frozen=True, slots=True)
class EmitResult:
    """What an emit (or a heartbeat) appended."""

    event_id: UUID
    sequence_num: int
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class QueryResult:
    """A page of ``query_events``: the events, all matches ignoring limit/offset, more pages?

    ``total_count`` is exact when ``total_exact``; otherwise it is a lower bound (10,000, or
    offset + limit when deeper: "10,000+"), as search engines report hits. ``exact_count=True``
    always counts exactly."""

    events: list[Event]
    total_count: int
    has_more: bool
    total_exact: bool


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """The state folded from an instance's events (up to a sequence number)."""

    final_state: JsonObject
    events_replayed: int
    duration_ms: Decimal


@dataclass(frozen=True, slots=True)
class TypeCount:
    """One row of ``aggregate_events_by_type``."""

    event_type: str
    category: str
    event_count: int


@dataclass(frozen=True, slots=True)
class EventType:
    """A registered event type and the JSON Schema subset its data must satisfy."""

    event_type: str
    category: str
    description: str
    data_schema: JsonObject


@dataclass(frozen=True, slots=True)
class Instance:
    """A registered supervisor instance."""

    instance_id: str
    instance_type: str
    project: str
    status: str
    registered_at: datetime
    last_heartbeat_at: datetime
    metadata: JsonObject
    last_sequence_num: int


@dataclass(frozen=True, slots=True)
class StaleInstance:
    """An instance that ``mark_stale_instances`` just marked stale, with its ``instance_stale`` event."""

    instance_id: str
    last_heartbeat_at: datetime
    event_id: UUID
    sequence_num: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A folded state stored at a sequence number by ``create_snapshot``."""

    snapshot_id: int
    instance_id: str
    sequence_num: int
    fold_version: int
    events_replayed: int
    created_at: datetime


# --- turning result rows into results --------------------------------------------------------

Rows = list[dict[str, Any]]


def json_default(value: object) -> object:
    """``json.dumps`` fallback for the values our rows hold (UUID, datetime, Decimal, and timedelta
    from an interval, such as list_subscriptions' horizon_age: an ISO 8601 duration, "PT1.5S", as
    the MCP tools give it)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        from pydantic import TypeAdapter  # imported here: only the CLI's JSON output needs it

        return TypeAdapter(timedelta).dump_python(value, mode="json")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def one(cls: type[M]) -> Callable[[Rows], M]:
    """The first row as ``cls`` (functions that always return one row)."""
    return lambda rows: from_row(cls, rows[0])


def one_or_none(cls: type[M]) -> Callable[[Rows], M | None]:
    """The first row as ``cls``, or None when there is no row."""
    return lambda rows: from_row(cls, rows[0]) if rows else None


def each(cls: type[M]) -> Callable[[Rows], list[M]]:
    """Every row as ``cls``."""
    return lambda rows: [from_row(cls, row) for row in rows]


def scalar(column: str) -> Callable[[Rows], int]:
    """One integer column of the single row."""
    return lambda rows: int(rows[0][column])


def nothing(rows: Rows) -> None:
    """No result (a procedure's CALL)."""
    return None


def query_result(rows: Rows) -> QueryResult:
    """``query_events`` rows: the events, plus total_count, has_more and total_exact carried on
    every row (no row at offset 0: nothing matches, exactly)."""
    if not rows:
        return QueryResult(events=[], total_count=0, has_more=False, total_exact=True)
    return QueryResult(
        events=[from_row(Event, row) for row in rows],
        total_count=int(rows[0]["total_count"]),
        has_more=bool(rows[0]["has_more"]),
        total_exact=bool(rows[0]["total_exact"]),
    )
