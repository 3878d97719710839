"""The event store as MCP tools for agents (``mcp`` 2.x, ``MCPServer``).

Every tool is one call of ``AsyncEventStore``: no SQL and no logic here, only input schemas,
descriptions an agent can act on, and results as structured content plus readable text. Our
exceptions become ``ToolError("[ES001] message Hint: hint")`` so the agent reads the database's own
message; a database that is down is a tool error too, and the pool reconnects when it returns.

    event-store mcp                 # stdio (what MCP clients spawn)
    event-store mcp --http          # streamable HTTP on http://127.0.0.1:8765/mcp
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Annotated, Any, Literal, ParamSpec, cast
from uuid import UUID

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel, Field, RootModel, TypeAdapter

from ..aio import AsyncEventStore
from ..cluster import resolve_dsn
from ..errors import EventStoreError, InstanceNotFoundForEventError, translate_errors
from ..models import EmitResult, Event, EventType, Instance, QueryResult, TypeCount

SERVER_NAME = "supervisor-event-store"
EMIT_TOOL = "mcp_meta_emit_event"
DEFAULT_HTTP_PORT = 8765
STATE_URI = "event-store://instances/{instance_id}/state"
UNREACHABLE_HINT = (
    "the database is unreachable; this server reconnects by itself when it is back, retry later."
)

log = logging.getLogger(__name__)
P = ParamSpec("P")

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
APPEND = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)

INSTRUCTIONS = """\
Append-only event store for AI coding-agent supervisor instances (PostgreSQL).
Typical session: mcp_meta_register_instance once, then mcp_meta_emit_event for each thing that
happens (epic_started, test_failed, commit_created, ...) and mcp_meta_heartbeat now and then.
To resume after a restart or a context reset, call mcp_meta_replay_events (or read the resource
event-store://instances/{id}/state). Events can never be changed or deleted.
Errors start with a code: [ES001] unknown event type, [ES002] instance not found, [ES003] invalid
event data, [ES004] expected sequence mismatch, [ES006] invalid argument, [ES007] event id reused
with different content; read the hint and retry with the fix."""


# --- input fields: descriptions and bounds, shared by the tools -------------------------------

InstanceId = Annotated[
    str,
    Field(
        description="Supervisor instance id: 1-32 characters of A-Z a-z 0-9 _ . - (e.g. 'odin-PS-8f4a2b').",
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9_.-]+$",
    ),
]
AnyInstanceId = Annotated[
    str | None,
    Field(
        description="Only this instance (1-32 characters of A-Z a-z 0-9 _ . -); omit for all instances.",
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9_.-]+$",
    ),
]
EventTypeName = Annotated[
    str,
    Field(
        description="A registered event type, e.g. 'epic_started' (see mcp_meta_list_event_types).",
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
    """Filters of mcp_meta_query_events; all given filters must match (AND)."""

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


# --- outputs: the client's models (RootModel publishes their schema), and a few wrappers --------


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


# --- plumbing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the lifespan yields: the client over the server's pool."""

    store: AsyncEventStore


ToolContext = Context[ServerState, Any]


def _store(ctx: ToolContext) -> AsyncEventStore:
    return ctx.request_context.lifespan_context.store


def tool_error_text(exc: EventStoreError) -> str:
    """``[ES001] unknown event_type "x" Hint: ...``: what the agent reads."""
    text = f"[{exc.sqlstate}] {exc.message}" if exc.sqlstate else exc.message
    if exc.detail:
        text += f" Detail: {exc.detail}"
    if exc.hint:
        text += f" Hint: {exc.hint}"
    elif not exc.sqlstate:  # no SQLSTATE: the connection failed
        text += f" Hint: {UNREACHABLE_HINT}"
    return text


@contextmanager
def _as_tool_errors(store: AsyncEventStore) -> Iterator[None]:
    """Our exceptions (and any driver error the client let through) as ``ToolError``."""
    try:
        with translate_errors(store.where):
            yield
    except EventStoreError as exc:
        raise ToolError(tool_error_text(exc)) from exc


def _tool(fn: Callable[P, Awaitable[CallToolResult]]) -> Callable[P, Awaitable[CallToolResult]]:
    """Wrap a tool so that store failures reach the agent as tool errors, never as a crash."""

    @wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> CallToolResult:
        with _as_tool_errors(_store(cast(ToolContext, kwargs["ctx"]))):
            return await fn(*args, **kwargs)

    return wrapper


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


def _event_line(event: Event) -> str:
    return f"#{event.sequence_num} {event.event_type} ({event.instance_id}, {event.timestamp.isoformat()})"


def _events_summary(head: str, events: list[Event]) -> str:
    return "\n".join([head, *(_event_line(e) for e in events[:20])])


# --- the emit description: the event types, read from the database at start-up ---------------

EMIT_DESCRIPTION = """\
Append one event to a supervisor instance's stream (append-only: events can never be changed).

Use it whenever something happens that a supervisor must remember: an epic starts, completes or
fails, tests pass or fail, a commit, PR or deployment is made, the context window fills, a
checkpoint is taken. The instance must be registered first (mcp_meta_register_instance).
event_data must be a JSON object with the required fields of its event type; other fields are
free. Returns the event's id, its sequence number in the instance's stream (1, 2, 3... without
gaps) and its timestamp.

Safe retries: pass your own event_id (a UUID); sending the same event again with the same id
returns the original and writes nothing. Ordering guard: pass expected_sequence (the last
sequence number you saw, 0 for none) and the emit fails with [ES004] if someone else wrote since.

Example: {"instance_id": "odin-PS-8f4a2b", "event_type": "epic_started",
"event_data": {"epic_id": "E-12", "feature_name": "login page", "estimated_hours": 3}}
"""

EMIT_TYPES_FALLBACK = """
Event types: they could not be read from the database when this server started, so the list is
not shown here; call mcp_meta_list_event_types for every type with its required fields."""


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


async def _emit_description(store: AsyncEventStore, wait: float) -> str:
    """The emit tool's description with the event types, or the fallback when the database is down."""
    with anyio.move_on_after(wait):
        try:
            with translate_errors(store.where):
                return EMIT_DESCRIPTION + describe_event_types(await store.list_event_types())
        except EventStoreError as exc:
            log.warning("event types not loaded for the tool description: %s", exc)
    return EMIT_DESCRIPTION + EMIT_TYPES_FALLBACK


# --- the tools --------------------------------------------------------------------------------


@_tool
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
    result = await _store(ctx).emit_event(
        instance_id,
        event_type,
        event_data,
        metadata=metadata,
        event_id=event_id,
        expected_sequence=expected_sequence,
    )
    return reply(f"Emitted {event_type} as #{result.sequence_num} of {instance_id}.", result)


@_tool
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
) -> Annotated[CallToolResult, RootModel[QueryResult]]:
    given = filters or QueryFilters()
    event_types = [given.event_type] if isinstance(given.event_type, str) else given.event_type
    result = await _store(ctx).query_events(
        instance_id,
        event_types=event_types,
        start_date=given.start_date,
        end_date=given.end_date,
        keyword=given.keyword,
        limit=limit,
        offset=offset,
        after_sequence=after_sequence,
    )
    more = "more pages follow" if result.has_more else "no more pages"
    head = f"{len(result.events)} of {result.total_count} matching events ({more})."
    return reply(_events_summary(head, result.events), result)


@_tool
async def replay_events(
    ctx: ToolContext,
    instance_id: InstanceId,
    to_sequence_num: Annotated[
        SequenceNum | None,
        Field(description="Replay up to and including this sequence number; omit for all events."),
    ] = None,
) -> Annotated[CallToolResult, ReplayOutput]:
    result = await _store(ctx).replay_events(instance_id, to_sequence_num)
    output = ReplayOutput(
        final_state=result.final_state,
        events_replayed=result.events_replayed,
        duration_ms=float(result.duration_ms),
    )
    return reply(f"Replayed {result.events_replayed} events of {instance_id}.", output)


@_tool
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
    types = await _store(ctx).list_event_types(category)
    return reply(f"{len(types)} event types." + describe_event_types(types), EventTypeList(event_types=types))


@_tool
async def get_event_aggregates(
    ctx: ToolContext,
    instance_id: AnyInstanceId = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
) -> Annotated[CallToolResult, Aggregates]:
    counts = await _store(ctx).aggregate_events_by_type(instance_id, start_date=start_date, end_date=end_date)
    lines = [f"{c.event_count:>8} {c.event_type} [{c.category}]" for c in counts]
    return reply(
        "\n".join([f"Event counts by type ({len(counts)} types):", *lines]), Aggregates(counts=counts)
    )


@_tool
async def get_latest_events(
    ctx: ToolContext,
    instance_id: InstanceId,
    limit: Annotated[int, Field(ge=1, le=1000, description="How many events, 1-1000.")] = 10,
) -> Annotated[CallToolResult, EventList]:
    events = await _store(ctx).get_latest_events(instance_id, limit)
    summary = _events_summary(f"The {len(events)} newest events of {instance_id}:", events)
    return reply(summary, EventList(events=events))


@_tool
async def get_event_by_id(
    ctx: ToolContext,
    event_id: Annotated[UUID, Field(description="The event's UUID, as returned by mcp_meta_emit_event.")],
) -> Annotated[CallToolResult, EventLookup]:
    event = await _store(ctx).get_event_by_id(event_id)
    summary = f"No event has id {event_id}." if event is None else _event_line(event)
    return reply(summary, EventLookup(event=event))


@_tool
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
    instance = await _store(ctx).register_instance(instance_id, instance_type, project, metadata=metadata)
    return reply(f"Instance {instance_id} is {instance.status} (project {instance.project}).", instance)


@_tool
async def heartbeat(
    ctx: ToolContext,
    instance_id: InstanceId,
    context_percent: Annotated[
        float | None,
        Field(ge=0, le=100, description="Optional: how full the context window is, in percent (0-100)."),
    ] = None,
) -> Annotated[CallToolResult, RootModel[EmitResult]]:
    result = await _store(ctx).heartbeat(instance_id, context_percent)
    return reply(f"Heartbeat of {instance_id} recorded as #{result.sequence_num}.", result)


@_tool
async def list_instances(
    ctx: ToolContext,
    status: Annotated[
        Literal["active", "stale"] | None,
        Field(description="Only 'active' or only 'stale' instances; omit for all."),
    ] = None,
) -> Annotated[CallToolResult, InstanceList]:
    instances = await _store(ctx).list_instances(status)
    lines = [
        f"{i.instance_id} {i.instance_type} {i.project} {i.status} #{i.last_sequence_num}" for i in instances
    ]
    return reply("\n".join([f"{len(instances)} instances:", *lines]), InstanceList(instances=instances))


TOOLS: list[tuple[str, Callable[..., Awaitable[CallToolResult]], ToolAnnotations, str]] = [
    (EMIT_TOOL, emit_event, APPEND, EMIT_DESCRIPTION),
    (
        "mcp_meta_query_events",
        query_events,
        READ_ONLY,
        """\
Search events, one instance or all, filtered by type, time range and keyword, in stream order.

Use it to look back: what failed today, which epics started, every event mentioning a branch.
All filters combine with AND; dates are inclusive; an unknown event type is an error ([ES001]),
not an empty result. Returns the page of events, total_count (all matches, ignoring
limit/offset) and has_more. For deep pages of one instance, pass after_sequence (the last
sequence_num you got) instead of a growing offset.

Example: {"instance_id": "odin-PS-8f4a2b", "filters": {"event_type": ["test_failed",
"validation_failed"], "start_date": "2026-11-27T00:00:00Z", "keyword": "auth"}, "limit": 50}""",
    ),
    (
        "mcp_meta_replay_events",
        replay_events,
        READ_ONLY,
        """\
Rebuild an instance's state by folding its events: the current epic and every epic's status,
test and validation counts with the last failure, commits and open/merged PRs, deployments per
environment, context window usage, checkpoints and planning.

Use it to resume after a restart or a context reset, or to see the state as it was at an earlier
sequence number (to_sequence_num). Returns final_state, events_replayed and duration_ms.

Example: {"instance_id": "odin-PS-8f4a2b"} or {"instance_id": "odin-PS-8f4a2b", "to_sequence_num": 40}""",
    ),
    (
        "mcp_meta_list_event_types",
        list_event_types,
        READ_ONLY,
        """\
List the registered event types with their category, description and data schema (the
required event_data fields, their types, enums and ranges).

Use it before emitting an event type you have not used yet, or after an [ES001]/[ES003] error.

Example: {} for all types, or {"category": "testing"}""",
    ),
    (
        "mcp_meta_get_event_aggregates",
        get_event_aggregates,
        READ_ONLY,
        """\
Count events per type (with its category), most frequent first, for one instance or all, in an
optional time range (inclusive).

Use it for a quick overview: how many tests failed versus passed, how many commits and
deployments, which instances are busy.

Example: {"instance_id": "odin-PS-8f4a2b", "start_date": "2026-11-27T00:00:00Z"}""",
    ),
    (
        "mcp_meta_get_latest_events",
        get_latest_events,
        READ_ONLY,
        """\
The newest events of one instance, newest first (default 10, at most 1000).

Use it to see what an instance did last, e.g. after taking over from another agent.

Example: {"instance_id": "odin-PS-8f4a2b", "limit": 5}""",
    ),
    (
        "mcp_meta_get_event_by_id",
        get_event_by_id,
        READ_ONLY,
        """\
Fetch one event by its UUID; event is null when no event has that id.

Use it to check that an emit you are unsure about was stored (e.g. after a timeout).

Example: {"event_id": "0b7f6a52-3c1e-4f7e-9a57-1d2a3b4c5d6e"}""",
    ),
    (
        "mcp_meta_register_instance",
        register_instance,
        APPEND,
        """\
Register a supervisor instance (or re-activate it) and emit its instance_registered event.

Use it once when an instance starts, before emitting its events; calling it again re-activates a
stale instance and records another instance_registered event. Returns the instance's row.

Example: {"instance_id": "odin-PS-8f4a2b", "instance_type": "PS", "project": "odin",
"metadata": {"model": "claude", "host": "ci-3"}}""",
    ),
    (
        "mcp_meta_heartbeat",
        heartbeat,
        APPEND,
        """\
Record that an instance is alive (re-activates a stale instance) and emit instance_heartbeat,
optionally with the context window usage in percent.

Use it regularly (well within the 120 s staleness timeout) while an instance works.

Example: {"instance_id": "odin-PS-8f4a2b", "context_percent": 42.5}""",
    ),
    (
        "mcp_meta_list_instances",
        list_instances,
        READ_ONLY,
        """\
List the registered supervisor instances with type, project, status, last heartbeat and the
last sequence number of their stream.

Use it to find instance ids, or the stale instances whose work may need taking over.

Example: {} or {"status": "stale"}""",
    ),
]


# The change-feed tools (issue 11) live in feed.py, which uses this module's helpers above.
from .feed import FEED_TOOLS  # noqa: E402

TOOLS += FEED_TOOLS

# --- the server -------------------------------------------------------------------------------


def add_tools(server: MCPServer[ServerState], *, emit_description: str) -> None:
    """(Re-)register every tool, in order; the emit tool with the given description."""
    for name, fn, hints, description in TOOLS:
        with suppress(ToolError):  # not registered yet
            server.remove_tool(name)
        text = emit_description if name == EMIT_TOOL else description
        server.add_tool(fn, name=name, description=text, annotations=hints)


def make_pool(dsn: str, *, timeout: float = 5.0) -> AsyncConnectionPool:
    """The server's pool: short waits, connections checked on checkout, reconnects when the DB returns."""
    return AsyncConnectionPool(
        dsn,
        open=False,
        min_size=1,
        max_size=4,
        timeout=timeout,
        reconnect_timeout=timeout * 2,
        check=AsyncConnectionPool.check_connection,
        kwargs={"autocommit": True, "connect_timeout": max(1, round(timeout))},
        name="event-store-mcp",
    )


def create_server(dsn: str | None = None, *, timeout: float = 5.0) -> MCPServer[ServerState]:
    """The MCP server over ``dsn`` (default: DATABASE_URL, PG*, else the project-local cluster).

    ``timeout``: seconds a tool call waits for a connection before it reports the database down.
    """
    conninfo = resolve_dsn() if dsn is None else dsn

    @asynccontextmanager
    async def lifespan(server: MCPServer[ServerState]) -> AsyncIterator[ServerState]:
        async with make_pool(conninfo, timeout=timeout) as pool:
            store = AsyncEventStore(pool=pool)
            add_tools(server, emit_description=await _emit_description(store, wait=timeout))
            yield ServerState(store)

    server: MCPServer[ServerState] = MCPServer(
        SERVER_NAME, instructions=INSTRUCTIONS, lifespan=lifespan, log_level="WARNING"
    )
    add_tools(server, emit_description=EMIT_DESCRIPTION + EMIT_TYPES_FALLBACK)

    @server.resource(
        STATE_URI,
        name="instance_state",
        description="An instance's replayed state (as mcp_meta_replay_events' final_state), as JSON.",
        mime_type="application/json",
    )
    async def instance_state(instance_id: str, ctx: ToolContext) -> str:
        try:
            with translate_errors(_store(ctx).where):
                result = await _store(ctx).replay_events(instance_id)
        except InstanceNotFoundForEventError as exc:
            raise ResourceNotFoundError(tool_error_text(exc)) from exc
        except EventStoreError as exc:
            raise ResourceError(tool_error_text(exc)) from exc
        return json.dumps(result.final_state, indent=2, ensure_ascii=False)

    return server


def main(argv: list[str] | None = None) -> int:
    """``event-store mcp [--http] [--host H] [--port P]``: serve until the client goes away."""
    parser = argparse.ArgumentParser(prog="event-store mcp", description="Serve the event store over MCP.")
    parser.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_HTTP_PORT, help="HTTP port (default: %(default)s)"
    )
    parser.add_argument("--dsn", default=None, help="database (default: DATABASE_URL, PG*, local cluster)")
    if argv and argv[0] == "--":  # `event-store mcp -- --http`: the CLI passes the separator on
        argv = argv[1:]
    args = parser.parse_args(argv)
    server = create_server(args.dsn)
    try:
        if args.http:
            server.run("streamable-http", host=args.host, port=args.port)
        else:
            server.run("stdio")
    except KeyboardInterrupt:
        pass
    return 0


__all__ = ["STATE_URI", "TOOLS", "ServerState", "create_server", "describe_event_types", "main", "reply"]
