"""Input fields the tools share: what an agent reads about each argument, and its bounds.

The bounds only describe the SQL functions' rules in the input schema, so that an agent sees them
before it calls; the store checks every argument again and stays the authority.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# The store's instance-id rule (event_store._check_instance_id), for the input schema.
_InstanceIdText = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]

InstanceId = Annotated[
    _InstanceIdText,
    Field(
        description="Supervisor instance id: 1-32 characters of A-Z a-z 0-9 _ . - (e.g. 'odin-PS-8f4a2b')."
    ),
]
AnyInstanceId = Annotated[
    _InstanceIdText | None,
    Field(description="Only this instance (1-32 characters of A-Z a-z 0-9 _ . -); omit for all instances."),
]
EventTypeName = Annotated[
    str,
    Field(
        description="A registered event type, e.g. 'epic_started' (see list_event_types).",
        min_length=1,
        max_length=100,
    ),
]
StartDate = Annotated[
    datetime | None,
    Field(description="Only events at or after this ISO 8601 time, e.g. '2026-11-27T09:00:00Z' (inclusive)."),
]
EndDate = Annotated[
    datetime | None,
    Field(description="Only events at or before this ISO 8601 time (inclusive)."),
]
SequenceNum = Annotated[int, Field(ge=0, le=2**63 - 1)]
EventTypeFilter = Annotated[str, Field(min_length=1, max_length=100)]


class QueryFilters(BaseModel):
    """Filters of query_events; all given filters must match (AND). Any other key is an error."""

    model_config = ConfigDict(extra="forbid")

    event_type: (
        EventTypeFilter | Annotated[list[EventTypeFilter], Field(min_length=1, max_length=100)] | None
    ) = Field(
        default=None,
        description="One event type or a list, e.g. 'test_failed' or ['epic_started', 'epic_completed'].",
    )
    start_date: StartDate = None
    end_date: EndDate = None
    keyword: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Case-insensitive substring of any value in event_data or metadata, taken literally.",
    )
