"""The registered event types as text for agents: appended to emit_event's description at start-up
(read from the database), and the summary of list_event_types."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import anyio

from ..aio import AsyncEventStore
from ..errors import EventStoreError, translate_errors
from ..models import EventType

log = logging.getLogger(__name__)

TYPES_FALLBACK = """
Event types: they could not be read from the database when this server started, so the list is
not shown here; call list_event_types for every type with its required fields."""


def _field(name: str, spec: Mapping[str, Any]) -> str:
    kind = spec.get("type", "any")
    if "enum" in spec:
        kind = "|".join(str(v) for v in spec["enum"])
    if "minimum" in spec and "maximum" in spec:
        kind += f" {spec['minimum']}..{spec['maximum']}"
    elif "minimum" in spec:
        kind += f" >= {spec['minimum']}"
    elif "maximum" in spec:
        kind += f" <= {spec['maximum']}"
    return f"{name} ({kind})"


def describe_event_types(types: list[EventType]) -> str:
    """One line per type: ``- epic_failed [epic]: epic_id (string), reason (string)``."""
    lines = ["", "Event types (type [category]: required event_data fields):"]
    for item in types:
        properties = item.data_schema.get("properties") or {}
        required = item.data_schema.get("required") or []
        fields = ", ".join(_field(name, properties.get(name, {})) for name in required) or "none"
        lines.append(f"- {item.event_type} [{item.category}]: {fields}")
    return "\n".join(lines)


async def load_event_types(store: AsyncEventStore, wait: float) -> str:
    """``describe_event_types`` of the database's types, or the fallback when it does not answer
    within ``wait`` seconds."""
    with anyio.move_on_after(wait):
        try:
            with translate_errors(store.where):
                return describe_event_types(await store.list_event_types())
        except EventStoreError as exc:
            log.warning("event types not loaded for the tool description: %s", exc)
    return TYPES_FALLBACK
