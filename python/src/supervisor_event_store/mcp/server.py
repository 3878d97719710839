"""The MCP server (``mcp`` 2.x, ``MCPServer``): its pool, the tools of ``tools.py``, the state
resource, and the transports. ``event-store mcp`` (cli.py) parses the command line and calls
``serve``:

    event-store mcp                 # stdio (what MCP clients spawn)
    event-store mcp --http          # streamable HTTP on http://127.0.0.1:8765/mcp

A database that is down at start-up or later is a tool error, and the pool reconnects when it
returns.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from typing import cast

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from psycopg_pool import AsyncConnectionPool
from pydantic import ConfigDict

from ..aio import AsyncEventStore
from ..cluster import resolve_dsn
from ..errors import EventStoreError, InstanceNotFoundForEventError, translate_errors
from ..replicas import DEFAULT_REPLICA_TIMEOUT
from . import feed as _feed  # noqa: F401  (then the change-feed tools, listed after them)
from .event_types import TYPES_FALLBACK, load_event_types
from .registry import TOOLS, ServerState, ToolContext, store_of, tool_error_text
from .tools import EMIT_TOOL  # importing tools.py registers every tool

SERVER_NAME = "supervisor-event-store"
STATE_URI = "event-store://instances/{instance_id}/state"

INSTRUCTIONS = """\
Append-only event store for AI coding-agent supervisor instances (PostgreSQL).
Typical session: register_instance once, then emit_event for each thing that happens
(epic_started, test_failed, commit_created, ...) and heartbeat now and then.
To resume after a restart or a context reset, call replay_events (or read the resource
event-store://instances/{id}/state). Events can never be changed or deleted.
Errors start with a code: [ES001] unknown event type, [ES002] instance not found, [ES003] invalid
event data, [ES004] expected sequence mismatch, [ES006] invalid argument, [ES007] event id reused
with different content; read the hint and retry with the fix."""


def add_tools(server: MCPServer[ServerState], *, event_types: str) -> None:
    """(Re-)register every tool, in order; emit_event's description ends with ``event_types``."""
    for tool in TOOLS.values():
        with suppress(ToolError):  # not registered yet
            server.remove_tool(tool.name)
        description = tool.description + event_types if tool.name == EMIT_TOOL else tool.description
        server.add_tool(tool.fn, name=tool.name, description=description, annotations=tool.annotations)
        _refuse_unknown_arguments(server, tool.name)


def _refuse_unknown_arguments(server: MCPServer[ServerState], name: str) -> None:
    """An argument the tool does not take is an error, and the schema says so
    (``additionalProperties: false``). The SDK drops unknown arguments silently: an agent that
    passed ``keyword`` beside ``filters`` instead of inside it got every event, unfiltered. The
    SDK reads a tool's argument model live (FuncMetadata), but offers no public accessor for a
    registered tool, hence ``_tool_manager``."""
    registered = server._tool_manager.get_tool(name)
    if registered is None:  # registered just above
        raise RuntimeError(f"tool {name} is not registered")
    loose = registered.fn_metadata.arg_model
    strict = cast(type[ArgModelBase], type(loose.__name__, (loose,), {
        "model_config": ConfigDict(**loose.model_config, extra="forbid"), "__module__": loose.__module__}))
    registered.fn_metadata.arg_model = strict
    registered.parameters = strict.model_json_schema(by_alias=True)


def make_pool(dsn: str, *, timeout: float = 5.0, name: str = "event-store-mcp") -> AsyncConnectionPool:
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
        name=name,
    )


def create_server(
    dsn: str | None = None, *, read_dsn: str | None = None, timeout: float = 5.0
) -> MCPServer[ServerState]:
    """The MCP server over ``dsn`` (default: DATABASE_URL, PG*, else the project-local cluster).

    ``read_dsn``: a hot standby of it for the read tools (``AsyncEventStore``'s ``read_dsn``:
    read-your-writes across the server's calls, the primary when the standby lags or is down).
    ``timeout``: seconds a tool call waits for a connection before it reports the database down.
    """
    conninfo = resolve_dsn() if dsn is None else dsn

    @asynccontextmanager
    async def lifespan(server: MCPServer[ServerState]) -> AsyncIterator[ServerState]:
        async with AsyncExitStack() as stack:
            pool = await stack.enter_async_context(make_pool(conninfo, timeout=timeout))
            read_pool = None
            if read_dsn is not None:
                # Its timeout is the client's replica_timeout: then the primary answers.
                read_pool = await stack.enter_async_context(
                    make_pool(read_dsn, timeout=DEFAULT_REPLICA_TIMEOUT, name="event-store-mcp-replica")
                )
            store = AsyncEventStore(pool=pool, read_pool=read_pool)
            add_tools(server, event_types=await load_event_types(store, wait=timeout))
            yield ServerState(store)

    server: MCPServer[ServerState] = MCPServer(
        SERVER_NAME, instructions=INSTRUCTIONS, lifespan=lifespan, log_level="WARNING"
    )
    add_tools(server, event_types=TYPES_FALLBACK)

    @server.resource(
        STATE_URI,
        name="instance_state",
        description="An instance's replayed state (as replay_events' final_state), as JSON.",
        mime_type="application/json",
    )
    async def instance_state(instance_id: str, ctx: ToolContext) -> str:
        store = store_of(ctx)
        try:
            with translate_errors(store.where):
                result = await store.replay_events(instance_id)
        except InstanceNotFoundForEventError as exc:
            raise ResourceNotFoundError(tool_error_text(exc)) from exc
        except EventStoreError as exc:
            raise ResourceError(tool_error_text(exc)) from exc
        return json.dumps(result.final_state, indent=2, ensure_ascii=False)

    return server


def serve(dsn: str | None, *, read_dsn: str | None = None, http: bool, host: str, port: int) -> None:
    """Serve over stdio (or streamable HTTP on ``host:port``) until the client goes away or Ctrl-C."""
    server = create_server(dsn, read_dsn=read_dsn)
    with suppress(KeyboardInterrupt):
        if http:
            server.run("streamable-http", host=host, port=port)
        else:
            server.run("stdio")


__all__ = ["EMIT_TOOL", "STATE_URI", "TOOLS", "ServerState", "create_server", "serve"]
