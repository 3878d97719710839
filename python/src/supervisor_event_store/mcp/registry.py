"""What every tool shares: the ``@tool`` decorator that registers it under its function's name,
the context it gets (the server's ``AsyncEventStore``), and how store failures reach the agent.

Our exceptions become ``ToolError("[ES001] message Hint: hint")``: only a ToolError carries its
message to the agent (any other exception reads "Error executing tool").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ToolAnnotations

from ..aio import AsyncEventStore
from ..errors import EventStoreError, error_text, translate_errors

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
APPEND = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)
UNREACHABLE_HINT = (
    "the database is unreachable; this server reconnects by itself when it is back, retry later."
)


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the server's lifespan yields: the client over the server's pool."""

    store: AsyncEventStore


ToolContext = Context[ServerState, Any]
ToolFunction = Callable[..., Awaitable[CallToolResult]]


def store_of(ctx: ToolContext) -> AsyncEventStore:
    return ctx.request_context.lifespan_context.store


def tool_error_text(exc: EventStoreError) -> str:
    """``[ES001] unknown event_type "x" Hint: ...``: what the agent reads."""
    return error_text(exc, labels=("Detail", "Hint"), sep=" ", fallback_hint=UNREACHABLE_HINT)


@contextmanager
def as_tool_errors(store: AsyncEventStore) -> Iterator[None]:
    """Our exceptions (and any driver error the client let through) as ``ToolError``."""
    try:
        with translate_errors(store.where):
            yield
    except EventStoreError as exc:
        raise ToolError(tool_error_text(exc)) from exc


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    fn: ToolFunction
    annotations: ToolAnnotations
    description: str


TOOLS: dict[str, Tool] = {}  # filled by tools.py as it is imported, in its order (the listing's)


def tool(annotations: ToolAnnotations, description: str) -> Callable[[ToolFunction], ToolFunction]:
    """Register the function as the tool of its name; store failures reach the agent as tool errors."""

    def register(fn: ToolFunction) -> ToolFunction:
        @wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> CallToolResult:
            with as_tool_errors(store_of(cast(ToolContext, kwargs["ctx"]))):
                return await fn(*args, **kwargs)

        TOOLS[fn.__name__] = Tool(fn.__name__, wrapper, annotations, description)
        return wrapper

    return register
