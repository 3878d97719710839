"""What the tools return: the client's models (a ``RootModel`` publishes their schema), a few
wrappers for lists, and ``reply``, which sends a result as structured content plus readable text.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, Field, TypeAdapter

from ..models import Event, EventType, Instance, TypeCount


class EventList(BaseModel):
    """Events, in the order the tool says."""

    events: list[Event]


class EventLookup(BaseModel):
    """The event with the asked id, or null when there is none."""

    event: Event | None = Field(description="The event, or null when no event has that id.")


class EventTypeList(BaseModel):
    """The registered event types with their data schema (a JSON Schema subset)."""

    event_types: list[EventType]


class InstanceList(BaseModel):
    """Registered supervisor instances."""

    instances: list[Instance]


class Aggregates(BaseModel):
    """Event counts per type, most frequent first."""

    counts: list[TypeCount]


class ReplayOutput(BaseModel):
    """The state folded from an instance's events: what a supervisor needs to resume."""

    final_state: dict[str, Any] = Field(description="The folded state (instance, epics, tests, git, ...).")
    events_replayed: int = Field(description="How many events were folded.")
    duration_ms: float = Field(description="How long the replay took in the database, in milliseconds.")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def reply(summary: str, payload: Any) -> CallToolResult:
    """Structured content (checked against the output schema) plus readable text: summary + JSON."""
    data = _adapter(type(payload)).dump_python(payload, mode="json")
    text = summary + "\n" + json.dumps(data, indent=2, ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def event_line(event: Event) -> str:
    return f"#{event.sequence_num} {event.event_type} ({event.instance_id}, {event.timestamp.isoformat()})"


def events_summary(head: str, events: list[Event]) -> str:
    """``head``, then one line for each of the first 20 events."""
    return "\n".join([head, *(event_line(e) for e in events[:20])])
