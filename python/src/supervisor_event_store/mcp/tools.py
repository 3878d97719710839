"""The tools. Each is one ``@tool`` function: its name (= the client method = the SQL function it
calls), annotations and description in the decorator, then one call of ``AsyncEventStore``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from mcp.types import CallToolResult
from pydantic import Field, RootModel

from ..models import EmitResult, Instance, QueryResult
from .event_types import describe_event_types
from .fields import AnyInstanceId, EndDate, EventTypeName, InstanceId, QueryFilters, SequenceNum, StartDate
from .registry import APPEND, READ_ONLY, ToolContext, store_of, tool
from .results import (
    Aggregates,
    EventList,
    EventLookup,
    EventTypeList,
    InstanceList,
    ReplayOutput,
    event_line,
    events_summary,
    reply,
)


@tool(
    APPEND,
    """\
Append one event to a supervisor instance's stream (append-only: events can never be changed).

Use it whenever something happens that a supervisor must remember: an epic starts, completes or
fails, tests pass or fail, a commit, PR or deployment is made, the context window fills, a
checkpoint is taken. The instance must be registered first (register_instance).
event_data must be a JSON object with the required fields of its event type; other fields are
free. Returns the event's id, its sequence number in the instance's stream (1, 2, 3... without
gaps) and its timestamp.

Safe retries: pass your own event_id (a UUID); sending the same event again with the same id
returns the original and writes nothing. Ordering guard: pass expected_sequence (the last
sequence number you saw, 0 for none) and the emit fails with [ES004] if someone else wrote since.

Example: {"instance_id": "odin-PS-8f4a2b", "event_type": "epic_started",
"event_data": {"epic_id": "E-12", "feature_name": "login page", "estimated_hours": 3}}
""",
)
async def emit_event(
    ctx: ToolContext,
    instance_id: InstanceId,
    event_type: EventTypeName,
    event_data: Annotated[
        dict[str, Any],
        Field(description="The event's data: a JSON object with the type's required fields (see above)."),
    ],
    metadata: Annotated[
        dict[str, Any] | None,
        Field(description="Optional free JSON object about the event, e.g. {'agent': 'claude'}."),
    ] = None,
    event_id: Annotated[
        UUID | None,
        Field(description="Optional UUID chosen by you to make retries idempotent."),
    ] = None,
    expected_sequence: Annotated[
        SequenceNum | None,
        Field(description="Optional: the instance's last sequence number must be this (0 = no events)."),
    ] = None,
) -> Annotated[CallToolResult, RootModel[EmitResult]]:
    result = await store_of(ctx).emit_event(
        instance_id,
        event_type,
        event_data,
        metadata=metadata,
        event_id=event_id,
        expected_sequence=expected_sequence,
    )
    return reply(f"Emitted {event_type} as #{result.sequence_num} of {instance_id}.", result)


EMIT_TOOL = emit_event.__name__  # its description gets the event types, read at start-up


@tool(
    READ_ONLY,
    """\
Search events, one instance or all, filtered by type, time range and keyword, in stream order.

Use it to look back: what failed today, which epics started, every event mentioning a branch.
All filters combine with AND; dates are inclusive; an unknown event type is an error ([ES001]),
not an empty result. Returns the page of events, total_count (all matches, ignoring
limit/offset), total_exact and has_more. total_count is exact up to 10,000 matches; beyond that it
is 10,000 (or offset + limit) as a lower bound with total_exact false ("10,000+"): pass
exact_count true only when you need the exact number (slower). For deep pages of one instance,
pass after_sequence (the last sequence_num you got) instead of a growing offset.

Example: {"instance_id": "odin-PS-8f4a2b", "filters": {"event_type": ["test_failed",
"validation_failed"], "start_date": "2026-11-27T00:00:00Z", "keyword": "auth"}, "limit": 50}""",
)
async def query_events(
    ctx: ToolContext,
    instance_id: AnyInstanceId = None,
    filters: Annotated[
        QueryFilters | None,
        Field(description="Optional filters: event_type (one or a list), start_date, end_date, keyword."),
    ] = None,
    limit: Annotated[int, Field(ge=1, le=1000, description="Page size, 1-1000.")] = 100,
    offset: Annotated[int, Field(ge=0, description="Events to skip (simple paging).")] = 0,
    after_sequence: Annotated[
        SequenceNum | None,
        Field(description="Fast paging for one instance: only events after this sequence number."),
    ] = None,
    exact_count: Annotated[
        bool,
        Field(
            description="Count every match exactly (slower on large results); by default total_count "
            "stops at 10,000 and total_exact is false beyond it."
        ),
    ] = False,
) -> Annotated[CallToolResult, RootModel[QueryResult]]:
    given = filters or QueryFilters()
    result = await store_of(ctx).query_events(
        instance_id,
        event_types=given.event_type,
        start_date=given.start_date,
        end_date=given.end_date,
        keyword=given.keyword,
        limit=limit,
        offset=offset,
        after_sequence=after_sequence,
        exact_count=exact_count,
    )
    more = "more pages follow" if result.has_more else "no more pages"
    total = f"{result.total_count:,}" + ("" if result.total_exact else "+")
    head = f"{len(result.events)} of {total} matching events ({more})."
    return reply(events_summary(head, result.events), result)


@tool(
    READ_ONLY,
    """\
Rebuild an instance's state by folding its events: the current epic and every epic's status,
test and validation counts with the last failure, commits and open/merged PRs, deployments per
environment, context window usage, checkpoints and planning.

Use it to resume after a restart or a context reset, or to see the state as it was at an earlier
sequence number (to_sequence_num). Returns final_state, events_replayed and duration_ms.

Example: {"instance_id": "odin-PS-8f4a2b"} or {"instance_id": "odin-PS-8f4a2b", "to_sequence_num": 40}""",
)
async def replay_events(
    ctx: ToolContext,
    instance_id: InstanceId,
    to_sequence_num: Annotated[
        SequenceNum | None,
        Field(description="Replay up to and including this sequence number; omit for all events."),
    ] = None,
) -> Annotated[CallToolResult, ReplayOutput]:
    result = await store_of(ctx).replay_events(instance_id, to_sequence_num)
    output = ReplayOutput(
        final_state=result.final_state,
        events_replayed=result.events_replayed,
        duration_ms=float(result.duration_ms),
    )
    return reply(f"Replayed {result.events_replayed} events of {instance_id}.", output)


@tool(
    READ_ONLY,
    """\
List the registered event types with their category, description and data schema (the
required event_data fields, their types, enums and ranges).

Use it before emitting an event type you have not used yet, or after an [ES001]/[ES003] error.

Example: {} for all types, or {"category": "testing"}""",
)
async def list_event_types(
    ctx: ToolContext,
    category: Annotated[
        str | None,
        Field(
            description="Only this category: instance, epic, testing, git, deployment, work_state, planning.",
            min_length=1,
            max_length=100,
        ),
    ] = None,
) -> Annotated[CallToolResult, EventTypeList]:
    types = await store_of(ctx).list_event_types(category)
    return reply(f"{len(types)} event types." + describe_event_types(types), EventTypeList(event_types=types))


@tool(
    READ_ONLY,
    """\
Count events per type (with its category), most frequent first, for one instance or all, in an
optional time range (inclusive).

Use it for a quick overview: how many tests failed versus passed, how many commits and
deployments, which instances are busy.

Example: {"instance_id": "odin-PS-8f4a2b", "start_date": "2026-11-27T00:00:00Z"}""",
)
async def aggregate_events_by_type(
    ctx: ToolContext,
    instance_id: AnyInstanceId = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
) -> Annotated[CallToolResult, Aggregates]:
    counts = await store_of(ctx).aggregate_events_by_type(
        instance_id, start_date=start_date, end_date=end_date
    )
    lines = [f"{c.event_count:>8} {c.event_type} [{c.category}]" for c in counts]
    return reply(
        "\n".join([f"Event counts by type ({len(counts)} types):", *lines]), Aggregates(counts=counts)
    )


@tool(
    READ_ONLY,
    """\
The newest events of one instance, newest first (default 10, at most 1000).

Use it to see what an instance did last, e.g. after taking over from another agent.

Example: {"instance_id": "odin-PS-8f4a2b", "limit": 5}""",
)
async def get_latest_events(
    ctx: ToolContext,
    instance_id: InstanceId,
    limit: Annotated[int, Field(ge=1, le=1000, description="How many events, 1-1000.")] = 10,
) -> Annotated[CallToolResult, EventList]:
    events = await store_of(ctx).get_latest_events(instance_id, limit)
    summary = events_summary(f"The {len(events)} newest events of {instance_id}:", events)
    return reply(summary, EventList(events=events))


@tool(
    READ_ONLY,
    """\
Fetch one event by its UUID; event is null when no event has that id.

Use it to check that an emit you are unsure about was stored (e.g. after a timeout).

Example: {"event_id": "0b7f6a52-3c1e-4f7e-9a57-1d2a3b4c5d6e"}""",
)
async def get_event_by_id(
    ctx: ToolContext,
    event_id: Annotated[UUID, Field(description="The event's UUID, as returned by emit_event.")],
) -> Annotated[CallToolResult, EventLookup]:
    event = await store_of(ctx).get_event_by_id(event_id)
    summary = f"No event has id {event_id}." if event is None else event_line(event)
    return reply(summary, EventLookup(event=event))


@tool(
    APPEND,
    """\
Register a supervisor instance (or re-activate it) and emit its instance_registered event.

Use it once when an instance starts, before emitting its events; calling it again re-activates a
stale instance and records another instance_registered event. Returns the instance's row.

Example: {"instance_id": "odin-PS-8f4a2b", "instance_type": "PS", "project": "odin",
"metadata": {"model": "claude", "host": "ci-3"}}""",
)
async def register_instance(
    ctx: ToolContext,
    instance_id: InstanceId,
    instance_type: Annotated[
        Literal["PS", "MS"], Field(description="'PS' (project supervisor) or 'MS' (meta supervisor).")
    ],
    project: Annotated[
        str,
        Field(description="The project the instance works on, e.g. 'odin'.", min_length=1, max_length=200),
    ],
    metadata: Annotated[
        dict[str, Any] | None,
        Field(description="Optional free JSON object about the instance (host, model, version...)."),
    ] = None,
) -> Annotated[CallToolResult, RootModel[Instance]]:
    instance = await store_of(ctx).register_instance(instance_id, instance_type, project, metadata=metadata)
    return reply(f"Instance {instance_id} is {instance.status} (project {instance.project}).", instance)


@tool(
    APPEND,
    """\
Record that an instance is alive (re-activates a stale instance) and emit instance_heartbeat,
optionally with the context window usage in percent.

Use it regularly (well within the 120 s staleness timeout) while an instance works.

Example: {"instance_id": "odin-PS-8f4a2b", "context_percent": 42.5}""",
)
async def heartbeat(
    ctx: ToolContext,
    instance_id: InstanceId,
    context_percent: Annotated[
        float | None,
        Field(ge=0, le=100, description="Optional: how full the context window is, in percent (0-100)."),
    ] = None,
) -> Annotated[CallToolResult, RootModel[EmitResult]]:
    result = await store_of(ctx).heartbeat(instance_id, context_percent)
    return reply(f"Heartbeat of {instance_id} recorded as #{result.sequence_num}.", result)


@tool(
    READ_ONLY,
    """\
List the registered supervisor instances with type, project, status, last heartbeat and the
last sequence number of their stream.

Use it to find instance ids, or the stale instances whose work may need taking over.

Example: {} or {"status": "stale"}""",
)
async def list_instances(
    ctx: ToolContext,
    status: Annotated[
        Literal["active", "stale"] | None,
        Field(description="Only 'active' or only 'stale' instances; omit for all."),
    ] = None,
) -> Annotated[CallToolResult, InstanceList]:
    instances = await store_of(ctx).list_instances(status)
    lines = [
        f"{i.instance_id} {i.instance_type} {i.project} {i.status} #{i.last_sequence_num}" for i in instances
    ]
    return reply("\n".join([f"{len(instances)} instances:", *lines]), InstanceList(instances=instances))
